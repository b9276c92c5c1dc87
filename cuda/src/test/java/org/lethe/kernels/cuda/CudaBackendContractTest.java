package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;
import org.lethe.kernels.BackendProvider.Availability;

/**
 * The backend contract suite on the GPU (cuBLAS for GEMM where it loads). Where no usable GPU is
 * present every test is skipped, one by one, with the probe's reason: the backend is not created
 * and each test's assumption fails (an assumption failing in {@code @BeforeAll} would hide the tests
 * instead of reporting them as skipped).
 */
class CudaBackendContractTest extends BackendContractTest {
    private final Availability gpu = Gpu.availability();

    @Override
    protected Backend createBackend() {
        return gpu.available() ? CudaBackend.open() : null;
    }

    @BeforeEach
    void requireGpu() {
        assumeTrue(gpu.available(), () -> "no usable GPU: " + gpu.reason());
    }
}
