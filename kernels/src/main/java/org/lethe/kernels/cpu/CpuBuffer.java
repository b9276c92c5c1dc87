package org.lethe.kernels.cpu;

import org.lethe.kernels.Backend;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;

/**
 * Host memory of the CPU backend: a Java array that only the backend's kernels touch. The generic
 * {@link #get}/{@link #set} pair (two implementations, so calls inline) serves the reference kernels;
 * hot paths reach the typed array through {@link F32#data()} / {@link F64#data()}.
 */
abstract sealed class CpuBuffer implements Buffer permits CpuBuffer.F32, CpuBuffer.F64 {
    private final CpuBackend backend;
    private final int length;
    private volatile boolean closed;

    CpuBuffer(CpuBackend backend, int length) {
        this.backend = backend;
        this.length = length;
    }

    static CpuBuffer allocate(CpuBackend backend, DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        return dtype == DType.FLOAT32 ? new F32(backend, length) : new F64(backend, length);
    }

    abstract double get(int i);

    abstract void set(int i, double v);

    abstract void release();

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
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        release();
    }

    @Override
    public String toString() {
        return "CpuBuffer[" + dtype() + " x " + length + (closed ? ", closed" : "") + "]";
    }

    /** float32 storage. */
    static final class F32 extends CpuBuffer {
        private float[] data;

        F32(CpuBackend backend, int length) {
            super(backend, length);
            data = new float[length];
        }

        float[] data() {
            return data;
        }

        @Override
        double get(int i) {
            return data[i];
        }

        @Override
        void set(int i, double v) {
            data[i] = (float) v;
        }

        @Override
        void release() {
            data = null;
        }

        @Override
        public DType dtype() {
            return DType.FLOAT32;
        }
    }

    /** float64 storage. */
    static final class F64 extends CpuBuffer {
        private double[] data;

        F64(CpuBackend backend, int length) {
            super(backend, length);
            data = new double[length];
        }

        double[] data() {
            return data;
        }

        @Override
        double get(int i) {
            return data[i];
        }

        @Override
        void set(int i, double v) {
            data[i] = v;
        }

        @Override
        void release() {
            data = null;
        }

        @Override
        public DType dtype() {
            return DType.FLOAT64;
        }
    }
}
