package org.lethe.kernels.cuda;

/**
 * Strided-batched matrix products from a vendor library (cuBLAS), in row-major terms: for each of
 * {@code batch} matrices, {@code C = alpha * op(A) @ op(B) + beta * C} with {@code C} row-major
 * {@code m x n} (leading dimension {@code ldc}), {@code A} {@code m x k} stored row-major
 * ({@code transA} false, leading dimension {@code lda}) or column-major ({@code transA} true), and
 * {@code B} likewise {@code k x n}. Batch strides in elements; 0 shares a matrix.
 */
interface BlasLibrary {

    /** The library and its version, for logs. */
    String describe();

    void gemm(boolean f64, boolean transA, boolean transB, int m, int n, int k, double alpha, long a, int lda, long strideA,
              long b, int ldb, long strideB, double beta, long c, int ldc, long strideC, int batch);
}
