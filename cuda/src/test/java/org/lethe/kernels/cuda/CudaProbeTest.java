package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;
import org.lethe.kernels.Backends;

/**
 * The provider is found by ServiceLoader, and its probe answers in one line without throwing. Where
 * there is no usable GPU (no driver here), auto and cuda both fall back to the CPU backend.
 */
class CudaProbeTest {
    @Test
    void theProviderIsFoundAndAnswersInOneLine() {
        BackendProvider p = Backends.providers().stream().filter(x -> x.name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(10, p.priority());
        assertEquals("cuda", Backends.providers().get(0).name(), "cuda outranks the CPU");
        BackendProvider.Availability a = p.probe();
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("\n"), a.reason());
        assertTrue(a.reason().length() < 200, a.reason());
        System.out.println("cuda probe: " + (a.available() ? "available: " : "not available: ") + a.reason());
        assertEquals(a, p.probe(), "the probe is computed once");
    }

    @Test
    void withoutAGpuAutoAndCudaFallBackToTheCpu() {
        assumeFalse(Gpu.availability().available(), "a GPU is present");
        try (Backend b = Backends.select("auto")) {
            assertEquals("cpu", b.name());
        }
        try (Backend b = Backends.select("cuda")) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void withoutAGpuTheReasonSaysWhatIsMissing() {
        assumeFalse(Gpu.availability().available(), "a GPU is present");
        String r = Gpu.availability().reason();
        assertTrue(r.contains("libcuda.so.1") || r.contains("no CUDA device") || r.contains("driver"), r);
    }
}
