package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/**
 * The backend contract suite on the CUDA backend over the emulator: the backend's Java code and the
 * kernel sources, run on the host (see {@link Emulator} for what that does and does not show).
 * Four emulated multiprocessors, so that grid-stride loops wrap, the 128-wide GEMM tiles are chosen
 * for the larger products and summed batches are split into groups. Skipped test by test where the
 * emulator cannot be built (no g++).
 */
class EmulatedCudaContractTest extends BackendContractTest {
    private final String unavailable = Emulator.unavailable();

    @Override
    protected Backend createBackend() {
        return unavailable == null ? Emulator.backend(4) : null;
    }

    @BeforeEach
    void requireEmulator() {
        assumeTrue(unavailable == null, unavailable);
    }
}
