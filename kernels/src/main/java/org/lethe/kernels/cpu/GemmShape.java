package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.View;

/**
 * The checked shape of a batched GEMM call: sizes, and for each operand whether it is stored
 * transposed and its leading dimension, derived from the views' strides.
 */
record GemmShape(int batch, int m, int n, int k, boolean transA, int lda, boolean transB, int ldb, int ldc,
                 boolean sumBatch) {

    static GemmShape of(View a, View b, View c) {
        if (a.rank() != 3 || b.rank() != 3 || c.rank() != 3) {
            throw new IllegalArgumentException("gemm: operands must be [batch, rows, cols], got "
                    + Arrays.toString(a.shape()) + ", " + Arrays.toString(b.shape()) + ", " + Arrays.toString(c.shape()));
        }
        int batch = c.shape()[0];
        int m = a.shape()[1];
        int k = a.shape()[2];
        int n = b.shape()[2];
        if (a.shape()[0] != batch || b.shape()[0] != batch || b.shape()[1] != k || c.shape()[1] != m
                || c.shape()[2] != n) {
            throw new IllegalArgumentException("gemm: shapes do not chain: " + Arrays.toString(a.shape()) + " x "
                    + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
        if (a.dtype() != c.dtype() || b.dtype() != c.dtype()) {
            throw new IllegalArgumentException("gemm: mixed element types " + a.dtype() + ", " + b.dtype() + ", " + c.dtype());
        }
        if (c.strides()[2] != 1 && n > 1) {
            throw new IllegalArgumentException("gemm: the result must be row-major, got strides " + Arrays.toString(c.strides()));
        }
        boolean ta = !(a.strides()[2] == 1 || k == 1);
        if (ta && a.strides()[1] != 1 && m != 1) {
            throw new IllegalArgumentException("gemm: left operand needs a unit stride, got strides " + Arrays.toString(a.strides()));
        }
        boolean tb = !(b.strides()[2] == 1 || n == 1);
        if (tb && b.strides()[1] != 1 && k != 1) {
            throw new IllegalArgumentException("gemm: right operand needs a unit stride, got strides " + Arrays.toString(b.strides()));
        }
        int lda = ta ? a.strides()[2] : a.strides()[1];
        int ldb = tb ? b.strides()[2] : b.strides()[1];
        boolean sum = batch > 1 && c.strides()[0] == 0;
        return new GemmShape(batch, m, n, k, ta, lda, tb, ldb, c.strides()[1], sum);
    }

    long flops() {
        return 2L * batch * m * n * k;
    }

    /** Where matrix {@code bi} of the batch starts in each operand, and the strides to walk it. */
    record Matrix(int aOff, int as1, int as2, int bOff, int bs1, int bs2, int cOff, int ldc) {
        /** {@code c = beta * c} over the m x n result (0 overwrites, so NaN in c does not survive). */
        void scaleResult(float[] c, int m, int n, float beta) {
            if (beta == 1f) {
                return;
            }
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
                }
            }
        }
    }

    Matrix matrix(View a, View b, View c, int bi) {
        return new Matrix(a.offset() + bi * a.strides()[0], a.strides()[1], a.strides()[2],
                b.offset() + bi * b.strides()[0], b.strides()[1], b.strides()[2], c.offset() + bi * c.strides()[0], ldc);
    }

    /** The product of one matrix of the batch; {@code parallel} is null when it must run on the calling thread. */
    interface OneMatrix {
        void run(CpuParallel parallel, int batchIndex, float beta);
    }

    /**
     * Runs {@code one} for every matrix of the batch: whole matrices on separate threads when there
     * are enough of them and their results are separate, else one after another (a summed batch adds
     * into the same result, with {@code beta} applied by the first only), each using all threads.
     */
    void forEachMatrix(CpuParallel parallel, float beta, OneMatrix one) {
        if (!sumBatch && batch >= parallel.threads() && batch > 1) {
            parallel.forRange(batch, 1, (lo, hi) -> {
                for (int bi = lo; bi < hi; bi++) {
                    one.run(null, bi, beta);
                }
            });
            return;
        }
        for (int bi = 0; bi < batch; bi++) {
            one.run(parallel, bi, sumBatch && bi > 0 ? 1f : beta);
        }
    }
}
