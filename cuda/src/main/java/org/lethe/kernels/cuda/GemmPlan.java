package org.lethe.kernels.cuda;

import java.util.Arrays;
import org.lethe.kernels.View;

/**
 * The checked shape of a batched {@link org.lethe.kernels.Backend#gemm} call: sizes, each operand's
 * storage order (row- or column-major) and leading dimension from the views' strides, the batch
 * strides, and whether the batch is summed. The same rules and messages as the CPU backend's.
 */
record GemmPlan(int batch, int m, int n, int k, boolean transA, int lda, boolean transB, int ldb, int ldc, long strideA,
                long strideB, long strideC, boolean sumBatch) {

    static GemmPlan of(View a, View b, View c) {
        if (a.rank() != 3 || b.rank() != 3 || c.rank() != 3) {
            throw new IllegalArgumentException("gemm: operands must be [batch, rows, cols], got "
                    + Arrays.toString(a.shape()) + ", " + Arrays.toString(b.shape()) + ", " + Arrays.toString(c.shape()));
        }
        int batch = c.shape()[0];
        int m = a.shape()[1];
        int k = a.shape()[2];
        int n = b.shape()[2];
        if (a.shape()[0] != batch || b.shape()[0] != batch || b.shape()[1] != k || c.shape()[1] != m || c.shape()[2] != n) {
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
        return new GemmPlan(batch, m, n, k, ta, lda, tb, ldb, c.strides()[1], a.strides()[0], b.strides()[0], c.strides()[0], sum);
    }

    /**
     * Whether cuBLAS accepts this product as one strided-batched call: no summed batch, non-negative
     * batch strides, and leading dimensions cuBLAS allows (a degenerate dimension of 1 lets the
     * views carry any stride there, which cuBLAS would reject).
     */
    boolean fitsBlas() {
        if (sumBatch || m < 1 || n < 1 || k < 1 || strideA < 0 || strideB < 0 || strideC < 0) {
            return false;
        }
        // C^T = op(B)^T op(A)^T in column-major terms: B first (n x k as stored), then A (k x m)
        boolean bOk = transB ? ldb >= k : ldb >= n;
        boolean aOk = transA ? lda >= m : lda >= k;
        return bOk && aOk && ldc >= n;
    }

    long flops() {
        return 2L * batch * m * n * k;
    }
}
