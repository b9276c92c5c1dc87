package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.cpu.CpuBackend;
import org.lethe.models.train.StepWorkload;

/**
 * Whole training steps (forward, MSE loss, backward, Adam) of the benchmark workloads
 * ({@link StepWorkload}: the MLP, the small CNN, the LSTM) on a device backend and on the CPU
 * backend from the same seed: the losses of the first steps agree to a relative 1e-4 (float32, with
 * sums in different orders), and in steady state a step makes no driver allocation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TrainingParityTest {
    static final int STEPS = 4;
    private Backend cpu;
    private CudaBackend dev;

    protected abstract CudaBackend createDevice();

    protected abstract String unavailable();

    /** The workloads this device runs in reasonable time. */
    protected List<String> workloads() {
        return StepWorkload.NAMES;
    }

    @BeforeAll
    void open() {
        cpu = new CpuBackend(2);
        dev = unavailable() == null ? createDevice() : null;
    }

    @AfterAll
    void close() {
        Backends.setDefaultBackend(null);
        cpu.close();
        if (dev != null) {
            dev.close();
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(dev != null, this::unavailable);
    }

    private static double[] losses(Backend be, String name, int steps) {
        Backends.setDefaultBackend(be);
        try {
            StepWorkload w = StepWorkload.create(name, 7);
            double[] out = new double[steps];
            for (int i = 0; i < steps; i++) {
                out[i] = w.step();
            }
            return out;
        } finally {
            Backends.setDefaultBackend(null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "lstm"})
    void trainingStepsMatchTheCpu(String name) {
        assumeTrue(workloads().contains(name), () -> name + " is too slow on " + dev.description());
        double[] ref = losses(cpu, name, STEPS);
        double[] got = losses(dev, name, STEPS);
        StringBuilder report = new StringBuilder(name + " losses, cpu " + Arrays.toString(ref) + ", device " + Arrays.toString(got));
        System.out.println(report);
        for (int i = 0; i < STEPS; i++) {
            assertTrue(Double.isFinite(got[i]), report::toString);
            assertEquals(ref[i], got[i], 1e-4 * Math.abs(ref[i]), () -> report + ": step differs");
        }
        assertTrue(got[STEPS - 1] < got[0], () -> report + ": the loss did not fall");
    }

    @Test
    void aTrainingStepInSteadyStateAllocatesNoDeviceMemory() {
        String name = workloads().contains("cnn") ? "cnn" : workloads().get(0);
        Backends.setDefaultBackend(dev);
        try {
            StepWorkload w = StepWorkload.create(name, 11);
            for (int i = 0; i < 3; i++) {
                w.step();
            }
            long before = dev.driverAllocations();
            for (int i = 0; i < 3; i++) {
                w.step();
            }
            assertEquals(before, dev.driverAllocations(), () -> name + ": steps 4-6 reached the driver's allocator ("
                    + dev.memoryStats() + ")");
        } finally {
            Backends.setDefaultBackend(null);
        }
    }
}
