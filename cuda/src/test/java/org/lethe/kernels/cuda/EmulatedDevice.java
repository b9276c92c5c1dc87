package org.lethe.kernels.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@link DeviceApi} over the CUDA emulator (src/test/emulator): Lethe's kernel sources compiled for
 * the host with g++ and run block by block, each thread a fiber, so that the whole backend (Java
 * host code, argument marshalling, layouts, kernel indexing and arithmetic) runs here without a GPU.
 * Device addresses are host addresses. It models neither the GPU's speed nor its concurrency;
 * {@link Emulator} says what it checks.
 */
final class EmulatedDevice implements DeviceApi {
    private static final Object LOCK = new Object();
    private final int multiprocessors;

    EmulatedDevice(int multiprocessors) {
        Emulator.load();
        this.multiprocessors = multiprocessors;
    }

    static native String[] kernels();

    private static native long malloc0(long bytes);

    private static native String free0(long address);

    private static native void memset32(long address, int value, long count);

    private static native void putFloats(long dst, float[] src, int off, int n);

    private static native void putDoubles(long dst, double[] src, int off, int n);

    private static native void putInts(long dst, int[] src, int off, int n);

    private static native void getFloats(long src, float[] dst, int off, int n);

    private static native void getDoubles(long src, double[] dst, int off, int n);

    private static native String launch0(String kernel, int gx, int gy, int gz, int block, byte[] params, int[] offsets);

    @Override
    public String describe() {
        return "CUDA emulator on the host, " + multiprocessors + " SMs (emulated)";
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public long malloc(long bytes) {
        synchronized (LOCK) {
            long a = malloc0(bytes);
            if (a == 0) {
                throw new OutOfDeviceMemoryException("emulator: host allocation of " + bytes + " bytes failed");
            }
            return a;
        }
    }

    @Override
    public void free(long address) {
        String problem;
        synchronized (LOCK) {
            problem = free0(address);
        }
        if (problem != null) {
            throw new AssertionError("emulator: " + problem);
        }
    }

    @Override
    public void memsetD32(long address, int value, long count) {
        synchronized (LOCK) {
            memset32(address, value, count);
        }
    }

    @Override
    public void copyToDevice(long dst, float[] src, int srcOffset, int count) {
        synchronized (LOCK) {
            putFloats(dst, src, srcOffset, count);
        }
    }

    @Override
    public void copyToDevice(long dst, double[] src, int srcOffset, int count) {
        synchronized (LOCK) {
            putDoubles(dst, src, srcOffset, count);
        }
    }

    @Override
    public void copyToDevice(long dst, int[] src, int srcOffset, int count) {
        synchronized (LOCK) {
            putInts(dst, src, srcOffset, count);
        }
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOffset, int count) {
        synchronized (LOCK) {
            getFloats(src, dst, dstOffset, count);
        }
    }

    @Override
    public void copyToHost(long src, double[] dst, int dstOffset, int count) {
        synchronized (LOCK) {
            getDoubles(src, dst, dstOffset, count);
        }
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int gridZ, int block, KernelArgs args) {
        List<KernelArgs.Arg> list = args.list();
        int[] offsets = new int[list.size()];
        int size = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = size;
            size += (list.get(i).bytes() + 15) / 16 * 16;
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.max(size, 16)).order(ByteOrder.nativeOrder());
        for (int i = 0; i < offsets.length; i++) {
            KernelArgs.Arg a = list.get(i);
            buf.position(offsets[i]);
            switch (a.kind()) {
                case POINTER, LONG -> buf.putLong((Long) a.value());
                case INT -> buf.putInt((Integer) a.value());
                case FLOAT -> buf.putFloat((Float) a.value());
                case DOUBLE -> buf.putDouble((Double) a.value());
                case INT_STRUCT -> {
                    for (int v : (int[]) a.value()) {
                        buf.putInt(v);
                    }
                }
            }
        }
        String problem;
        synchronized (LOCK) {
            problem = launch0(kernel, gridX, gridY, gridZ, block, buf.array(), offsets);
        }
        if (problem != null) {
            throw new CudaException("emulator: " + problem + "; arguments " + args);
        }
    }

    @Override
    public BlasLibrary blas() {
        return null;
    }

    @Override
    public void synchronize() {
        // every launch has finished when it returns
    }

    @Override
    public void close() {
    }
}
