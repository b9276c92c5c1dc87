package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test JVM enables the Vector API (see the surefire argLine), so the contract suite covers the vector kernels. */
class VectorSupportTest {
    @Test
    void vectorKernelsAreActiveInTheTests() {
        try (CpuBackend b = new CpuBackend(1)) {
            assertTrue(b.usesVectorKernels(), "run the tests with --add-modules jdk.incubator.vector: " + b.description());
            assertTrue(b.description().contains("vector API"), b.description());
        }
        try (CpuBackend b = new CpuBackend(1, false)) {
            assertFalse(b.usesVectorKernels());
        }
    }
}
