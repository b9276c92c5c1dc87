package org.lethe.kernels.cuda;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/**
 * The backend contract suite on the GPU (cuBLAS for GEMM where it loads). Skipped, with the probe's
 * reason, where no usable GPU is present.
 */
class CudaBackendContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        Gpu.assume();
        return CudaBackend.open();
    }
}
