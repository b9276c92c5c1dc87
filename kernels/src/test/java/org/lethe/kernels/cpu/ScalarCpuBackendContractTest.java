package org.lethe.kernels.cpu;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/** The contract suite on the scalar kernels, the path taken when the Vector API is not enabled. */
class ScalarCpuBackendContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CpuBackend(2, false);
    }
}
