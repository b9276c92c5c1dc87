package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;
import org.lethe.kernels.Backends;

/**
 * {@code --device}: where there is no usable GPU (no NVIDIA driver on the build machines), cuda is a
 * one-line usage error and auto runs on the CPU, saying so and why, in one line.
 */
class DeviceTest {
    private static boolean gpu() {
        return Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst().map(BackendProvider::probe)
                .map(BackendProvider.Availability::available).orElse(false);
    }

    @AfterEach
    void reset() {
        Backends.setDefaultBackend(null);
    }

    @Test
    void theCudaBackendIsInThisBuild() {
        assertTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("cuda")));
    }

    @Test
    void cudaWithoutAGpuIsAOneLineUsageError() {
        assumeFalse(gpu(), "a GPU is present");
        UserError e = assertThrows(UserError.class, () -> Device.use("cuda"));
        assertTrue(e.getMessage().startsWith("--device cuda: no usable GPU: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void autoWithoutAGpuRunsOnTheCpuAndSaysWhy() {
        assumeFalse(gpu(), "a GPU is present");
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        Backend b;
        try {
            b = Device.use("auto");
        } finally {
            System.setErr(old);
        }
        try {
            assertEquals("cpu", b.name());
            assertEquals(b, Backends.defaultBackend());
            String err = buf.toString(StandardCharsets.UTF_8);
            assertTrue(err.startsWith("lethe: --device auto: cpu ("), err);
            assertTrue(err.contains("; no GPU: "), err);
            assertEquals(1, err.strip().lines().count(), err);
        } finally {
            b.close();
        }
    }

    @Test
    void anUnknownDeviceIsAUsageError() {
        UserError e = assertThrows(UserError.class, () -> Device.use("tpu"));
        assertEquals("--device must be auto, cpu or cuda, got 'tpu'", e.getMessage());
    }
}
