package org.lethe.kernels.cuda;

import org.lethe.kernels.Backend;

/** {@link BackendParityTest} with the CUDA backend over the emulator (skipped where it cannot be built). */
class EmulatedParityTest extends BackendParityTest {
    @Override
    protected Backend createDevice() {
        return Emulator.backend(4);
    }

    @Override
    protected String unavailable() {
        return Emulator.unavailable();
    }
}
