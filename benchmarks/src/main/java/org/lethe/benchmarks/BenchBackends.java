package org.lethe.benchmarks;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;
import org.lethe.kernels.cpu.CpuBackend;
import org.lethe.kernels.cuda.CudaBackend;
import org.lethe.kernels.cuda.CudaBackendProvider;

/** The backends a benchmark's {@code backend} parameter names. */
final class BenchBackends {
    private BenchBackends() {
    }

    /**
     * {@code cpu}: the default CPU backend (Vector API kernels where enabled); {@code cpu-reference}:
     * its reference configuration (scalar GEMM, generic loops), the code the fast kernels are tested
     * against; {@code cuda}: the GPU (cuBLAS for GEMM where it loads); {@code cuda-own}: the GPU with
     * Lethe's own GEMM kernels. The GPU ones fail with the probe's reason where no GPU is usable.
     */
    static Backend open(String name, int threads) {
        return switch (name) {
            case "cpu" -> new CpuBackend(threads);
            case "cpu-reference" -> CpuBackend.reference(threads);
            case "cuda", "cuda-own" -> {
                BackendProvider.Availability a = new CudaBackendProvider().probe();
                if (!a.available()) {
                    throw new IllegalStateException("backend " + name + ": no usable GPU: " + a.reason());
                }
                CudaBackend b = CudaBackend.open();
                if (name.equals("cuda-own")) {
                    b.setGemmMode(CudaBackend.GemmMode.OWN);
                }
                yield b;
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; known: cpu, cpu-reference, cuda, cuda-own");
        };
    }
}
