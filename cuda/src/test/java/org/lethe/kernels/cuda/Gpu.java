package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.lethe.kernels.BackendProvider.Availability;

/** The GPU tests' precondition: a usable CUDA device, else the test is skipped with the probe's reason. */
final class Gpu {
    private Gpu() {
    }

    static Availability availability() {
        return new CudaBackendProvider().probe();
    }

    /** Skips the calling test (or class, from {@code @BeforeAll}) where there is no usable GPU. */
    static void assume() {
        Availability a = availability();
        assumeTrue(a.available(), () -> "no usable GPU: " + a.reason());
    }

    /** Skips where the emulator cannot be built (no g++, not Linux). */
    static void assumeEmulator() {
        String why = Emulator.unavailable();
        assumeTrue(why == null, () -> why);
    }
}
