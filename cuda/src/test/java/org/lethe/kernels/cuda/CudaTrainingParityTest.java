package org.lethe.kernels.cuda;

import org.lethe.kernels.BackendProvider.Availability;

/** {@link TrainingParityTest} on the GPU; skipped test by test, with the probe's reason, without one. */
class CudaTrainingParityTest extends TrainingParityTest {
    private final Availability gpu = Gpu.availability();

    @Override
    protected CudaBackend createDevice() {
        return CudaBackend.open();
    }

    @Override
    protected String unavailable() {
        return gpu.available() ? null : "no usable GPU: " + gpu.reason();
    }
}
