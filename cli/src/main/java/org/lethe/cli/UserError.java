package org.lethe.cli;

/** A mistake in what the user asked for: reported in one line, exit status 2. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }
}
