package org.lethe.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * cuBLAS through JCublas2, on the backend's stream and in the device's primary context. JCublas
 * 12.6 links libcublas.so.12, which CUDA 12 installations have and CUDA-13-only ones lack: then
 * {@link #tryCreate} returns null, says why once, and the backend uses its own GEMM kernels.
 *
 * <p>Row-major products map to cuBLAS's column-major ones by computing {@code C^T = B^T A^T}: a
 * row-major matrix is its transpose in column-major order, so the operands swap and each keeps
 * its transpose flag.
 */
final class JCublasLibrary implements BlasLibrary {
    private static final System.Logger LOG = System.getLogger("org.lethe.kernels.cuda");
    private static volatile String unavailable;

    private final cublasHandle handle;
    private final String description;

    private JCublasLibrary(cublasHandle handle, String description) {
        this.handle = handle;
        this.description = description;
    }

    /** cuBLAS on {@code stream}, or null (with the reason logged once) where it does not load. */
    static BlasLibrary tryCreate(CUstream stream) {
        if (unavailable != null) {
            return null;
        }
        try {
            JCublas2.setExceptionsEnabled(false);
            cublasHandle h = new cublasHandle();
            int r = JCublas2.cublasCreate(h);
            if (r != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                return refuse("cublasCreate: " + cublasStatus.stringFor(r));
            }
            r = JCublas2.cublasSetStream(h, new cudaStream_t(stream));
            if (r != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                JCublas2.cublasDestroy(h);
                return refuse("cublasSetStream: " + cublasStatus.stringFor(r));
            }
            int[] version = new int[1];
            JCublas2.cublasGetVersion(h, version);
            return new JCublasLibrary(h, "cuBLAS " + version[0] / 10000 + "." + version[0] % 10000 / 100 + "."
                    + version[0] % 100);
        } catch (LinkageError e) {
            String all = e.getMessage() == null ? e.toString() : e.getMessage();
            return refuse(all.contains("libcublas") ? "libcublas.so.12 (CUDA 12) is not installed"
                    : CudaBackendProvider.firstLine(all));
        }
    }

    private static BlasLibrary refuse(String reason) {
        unavailable = reason;
        LOG.log(System.Logger.Level.INFO, "cuda: cuBLAS not used (" + reason + "); GEMM runs on Lethe's own kernels");
        return null;
    }

    /** Why cuBLAS is not used, or null if it loaded (or was not tried). */
    static String unavailableReason() {
        return unavailable;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void gemm(boolean f64, boolean transA, boolean transB, int m, int n, int k, double alpha, long a, int lda, long strideA,
                     long b, int ldb, long strideB, double beta, long c, int ldc, long strideC, int batch) {
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int r;
        if (f64) {
            r = JCublas2.cublasDgemmStridedBatched(handle, opB, opA, n, m, k, Pointer.to(new double[] {alpha}),
                    JCudaDevice.at(b), ldb, strideB, JCudaDevice.at(a), lda, strideA, Pointer.to(new double[] {beta}),
                    JCudaDevice.at(c), ldc, strideC, batch);
        } else {
            r = JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, Pointer.to(new float[] {(float) alpha}),
                    JCudaDevice.at(b), ldb, strideB, JCudaDevice.at(a), lda, strideA, Pointer.to(new float[] {(float) beta}),
                    JCudaDevice.at(c), ldc, strideC, batch);
        }
        if (r != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException("cublas" + (f64 ? "D" : "S") + "gemmStridedBatched(" + m + "x" + n + "x" + k + ", batch " + batch
                    + ") failed: " + cublasStatus.stringFor(r));
        }
    }

    void close() {
        JCublas2.cublasDestroy(handle);
    }
}
