package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;
import org.lethe.kernels.BackendProvider.Availability;

/**
 * The backend contract suite on the GPU with Lethe's own GEMM kernels even where cuBLAS loads.
 * Every test is skipped (with the probe's reason) where no usable GPU is present.
 */
class OwnGemmCudaContractTest extends BackendContractTest {
    private final Availability gpu = Gpu.availability();

    @Override
    protected Backend createBackend() {
        if (!gpu.available()) {
            return null;
        }
        CudaBackend b = CudaBackend.open();
        b.setGemmMode(CudaBackend.GemmMode.OWN);
        return b;
    }

    @BeforeEach
    void requireGpu() {
        assumeTrue(gpu.available(), () -> "no usable GPU: " + gpu.reason());
    }
}
