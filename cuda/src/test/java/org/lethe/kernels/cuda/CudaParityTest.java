package org.lethe.kernels.cuda;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider.Availability;

/**
 * {@link BackendParityTest} on the GPU, at four times the emulator's sizes (the 128-wide GEMM tiles
 * and many-block grids). Skipped test by test, with the probe's reason, where no usable GPU is present.
 */
class CudaParityTest extends BackendParityTest {
    private final Availability gpu = Gpu.availability();

    @Override
    protected Backend createDevice() {
        return CudaBackend.open();
    }

    @Override
    protected String unavailable() {
        return gpu.available() ? null : "no usable GPU: " + gpu.reason();
    }

    @Override
    protected int scale() {
        return 4;
    }
}
