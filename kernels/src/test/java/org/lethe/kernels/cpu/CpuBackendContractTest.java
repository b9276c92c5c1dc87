package org.lethe.kernels.cpu;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/** The contract suite on the CPU backend with two threads, so that the parallel paths run. */
class CpuBackendContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CpuBackend(2);
    }
}
