package org.lethe.models.data;

/**
 * A problem with input data or a forget definition: one line that names the file, line and column
 * (or the definition) and what is wrong. The command line reports it and exits with status 2.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }
}
