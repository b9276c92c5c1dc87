package org.lethe.kernels.cuda;

/** The device has no memory left for an allocation, even after the allocator released its cache. */
public final class OutOfDeviceMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;

    public OutOfDeviceMemoryException(String message) {
        super(message);
    }
}
