package org.lethe.benchmarks;

import org.lethe.kernels.Backend;
import org.lethe.kernels.cpu.CpuBackend;

/** The backends a benchmark's {@code backend} parameter names. */
final class BenchBackends {
    private BenchBackends() {
    }

    /**
     * {@code cpu}: the default CPU backend (Vector API kernels where enabled); {@code cpu-reference}:
     * its reference configuration (scalar GEMM, generic loops), the code the fast kernels are tested against.
     */
    static Backend open(String name, int threads) {
        return switch (name) {
            case "cpu" -> new CpuBackend(threads);
            case "cpu-reference" -> CpuBackend.reference(threads);
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; known: cpu, cpu-reference");
        };
    }
}
