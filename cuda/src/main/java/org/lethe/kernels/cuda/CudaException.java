package org.lethe.kernels.cuda;

/** A CUDA driver or cuBLAS call failed; the message names the call and the error. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
