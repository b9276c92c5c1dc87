package org.lethe.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void cpuIsFoundThroughServiceLoader() {
        assertTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("cpu")));
        try (Backend b = Backends.select("cpu")) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void autoPicksAnAvailableBackend() {
        try (Backend b = Backends.select("auto")) {
            assertTrue(b.description().length() > 0);
        }
    }

    @Test
    void unknownNameIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu"));
        assertTrue(e.getMessage().startsWith("unknown backend 'tpu'; available: auto, cpu"), e.getMessage());
    }
}
