package org.lethe.kernels.cuda;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/**
 * The backend contract suite on the GPU with Lethe's own GEMM kernels even where cuBLAS loads.
 * Skipped where no usable GPU is present.
 */
class OwnGemmCudaContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        Gpu.assume();
        CudaBackend b = CudaBackend.open();
        b.setGemmMode(CudaBackend.GemmMode.OWN);
        return b;
    }
}
