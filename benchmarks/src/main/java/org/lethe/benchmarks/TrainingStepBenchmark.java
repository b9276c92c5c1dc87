package org.lethe.benchmarks;

import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.models.train.StepWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step (forward, MSE loss, backward, Adam) of the reference workloads
 * ({@link StepWorkload}: mlp, cnn, lstm), the same steps benchmarks/pytorch_steps.py times in
 * PyTorch. The setup checks that a few steps lower the loss before timing. {@link #baseline} is the
 * forward pass alone, without a graph.
 */
public class TrainingStepBenchmark extends BaseBenchmark {
    @Param({"mlp", "cnn", "lstm"})
    public String workload;

    @Param({"2"})
    public int threads;

    @Param({"cpu"})
    public String backend;

    private Backend be;
    private StepWorkload w;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        Backends.setDefaultBackend(be);
        w = StepWorkload.create(workload, 1);
        w.validate();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public double step() {
        return w.step();
    }

    @Benchmark
    public double baseline() {
        return w.forward();
    }
}
