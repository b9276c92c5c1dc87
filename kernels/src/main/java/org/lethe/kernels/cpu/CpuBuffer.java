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

    static CpuBuffer allocate(CpuBackend backend, DType dtype, int length, boolean zero) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        return dtype == DType.FLOAT32 ? new F32(backend, length, zero) : new F64(backend, length, zero);
    }

    abstract double get(int i);

    abstract void set(int i, double v);

    abstract void release();

    /** {@code dst[to + i] = this[from + i * stride]} for {@code i < n}; typed when both hold floats. */
    final void gatherTo(int from, int stride, CpuBuffer dst, int to, int n) {
        if (this instanceof F32 a && dst instanceof F32 b) {
            float[] x = a.data();
            float[] y = b.data();
            if (stride == 1) {
                System.arraycopy(x, from, y, to, n);
            } else {
                for (int i = 0; i < n; i++) {
                    y[to + i] = x[from + i * stride];
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            dst.set(to + i, get(from + i * stride));
        }
    }

    /** {@code dst[to + i * stride] += this[from + i]} for {@code i < n}; typed when both hold floats. */
    final void scatterAddTo(int from, CpuBuffer dst, int to, int stride, int n) {
        if (this instanceof F32 a && dst instanceof F32 b) {
            float[] x = a.data();
            float[] y = b.data();
            for (int i = 0; i < n; i++) {
                y[to + i * stride] += x[from + i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            int o = to + i * stride;
            dst.set(o, dst.get(o) + get(from + i));
        }
    }

    /** Sets {@code n} elements from {@code from} to zero. */
    final void zero(int from, int n) {
        if (this instanceof F32 a) {
            java.util.Arrays.fill(a.data(), from, from + n, 0f);
        } else {
            java.util.Arrays.fill(((F64) this).data(), from, from + n, 0.0);
        }
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
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    @Override
    public String toString() {
        return "CpuBuffer[" + dtype() + " x " + length + (closed ? ", closed" : "") + "]";
    }

    /** float32 storage. */
    static final class F32 extends CpuBuffer {
        private float[] data;

        F32(CpuBackend backend, int length, boolean zero) {
            super(backend, length);
            data = backend.pool().floats(length, zero);
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
            float[] a = data;
            data = null;
            if (a != null) {
                ((CpuBackend) backend()).pool().release(a);
            }
        }

        @Override
        public DType dtype() {
            return DType.FLOAT32;
        }
    }

    /** float64 storage. */
    static final class F64 extends CpuBuffer {
        private double[] data;

        F64(CpuBackend backend, int length, boolean zero) {
            super(backend, length);
            data = backend.pool().doubles(length, zero);
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
            double[] a = data;
            data = null;
            if (a != null) {
                ((CpuBackend) backend()).pool().release(a);
            }
        }

        @Override
        public DType dtype() {
            return DType.FLOAT64;
        }
    }
}
