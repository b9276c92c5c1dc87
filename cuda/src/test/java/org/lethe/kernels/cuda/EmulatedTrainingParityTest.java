package org.lethe.kernels.cuda;

/** {@link TrainingParityTest} over the emulator (all three workloads; skipped where it cannot be built). */
class EmulatedTrainingParityTest extends TrainingParityTest {
    @Override
    protected CudaBackend createDevice() {
        return Emulator.backend(4);
    }

    @Override
    protected String unavailable() {
        return Emulator.unavailable();
    }
}
