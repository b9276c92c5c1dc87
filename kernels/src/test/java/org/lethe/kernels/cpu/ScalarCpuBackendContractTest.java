package org.lethe.kernels.cpu;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendContractTest;

/** The contract suite on the reference configuration: scalar GEMM, generic elementwise loops. */
class ScalarCpuBackendContractTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return CpuBackend.reference(2);
    }
}
