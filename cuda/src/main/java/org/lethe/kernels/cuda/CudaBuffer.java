package org.lethe.kernels.cuda;

import java.lang.ref.Cleaner;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;

/**
 * Device memory of the CUDA backend: a block from its {@link CachingAllocator}, returned to the
 * allocator's cache by {@link #close()}. Lifetimes are explicit; a buffer that becomes unreachable
 * without being closed is returned by a {@link Cleaner} as a backstop, and counted
 * ({@link CudaBackend#memoryStats()}), so that a leak shows instead of exhausting the device.
 */
final class CudaBuffer implements Buffer {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final DType dtype;
    private final int length;
    private final long address;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** The release action; holds no reference to the buffer so that the buffer can become unreachable. */
    private static final class Release implements Runnable {
        private final CudaBackend backend;
        private final long address;
        private volatile boolean explicit;

        Release(CudaBackend backend, long address) {
            this.backend = backend;
            this.address = address;
        }

        @Override
        public void run() {
            backend.releaseBlock(address, explicit);
        }
    }

    CudaBuffer(CudaBackend backend, DType dtype, int length, long address) {
        this.backend = backend;
        this.dtype = dtype;
        this.length = length;
        this.address = address;
        this.release = new Release(backend, address);
        this.cleanable = CLEANER.register(this, release);
    }

    /** The device address of element 0. */
    long address() {
        return address;
    }

    /** The device address of element {@code index}. */
    long address(int index) {
        return address + (long) index * dtype.bytes();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public boolean isClosed() {
        return release.explicit;
    }

    @Override
    public synchronized void close() {
        if (!release.explicit) {
            release.explicit = true;
            cleanable.clean();
        }
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + dtype + " x " + length + " @0x" + Long.toHexString(address) + (isClosed() ? ", closed" : "") + "]";
    }
}
