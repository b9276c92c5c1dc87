package org.lethe.kernels.cuda;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/**
 * The backend contract suite on the CUDA backend over the emulator: the backend's Java code and the
 * kernel sources, run on the host (see {@link Emulator} for what that does and does not show).
 * Four emulated multiprocessors, so that grid-stride loops wrap, the 128-wide GEMM tiles are chosen
 * for the larger products and summed batches are split into groups.
 */
class EmulatedCudaContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        Gpu.assumeEmulator();
        return Emulator.backend(4);
    }
}
