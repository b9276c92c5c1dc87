package org.lethe.kernels;

/**
 * A block of elements owned by one backend: host memory for the CPU backend, device memory for a GPU
 * backend. Its lifetime is explicit: {@link #close()} releases it, and a closed buffer may not be
 * used again. Engine code never sees the storage behind a buffer; it moves data in and out only
 * through {@link Backend#read} and {@link Backend#write}.
 */
public interface Buffer extends AutoCloseable {
    /** The element type. */
    DType dtype();

    /** Number of elements. */
    int length();

    /** The backend that owns this buffer; only it may operate on it. */
    Backend backend();

    /** Whether {@link #close()} has been called. */
    boolean isClosed();

    /** Releases the memory. Idempotent. */
    @Override
    void close();
}
