package org.lethe.benchmarks;

import java.util.List;
import org.lethe.engine.Functional;
import org.lethe.engine.Reduction;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.lethe.kernels.cpu.CpuBackend;
import org.lethe.models.LstmRegressor;
import org.lethe.models.Mlp;
import org.lethe.models.RegressionModel;
import org.lethe.models.SmallCnn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step (forward, MSE loss, backward, Adam) of the three reference workloads, the same as
 * benchmarks/pytorch_steps.py runs in PyTorch: mlp 64-256-256-1 at batch 256; cnn (1x28x28, conv 16,
 * pool, conv 32, pool, 1568-64-1) at batch 128; lstm (24 steps of 1 feature, hidden 64, last step to
 * 1) at batch 128; random data. The setup checks that a few steps lower the loss on a fixed batch
 * before timing. {@link #baseline} is the forward pass alone, without a graph.
 */
public class TrainingStepBenchmark extends BaseBenchmark {
    @Param({"mlp", "cnn", "lstm"})
    public String workload;

    @Param({"2"})
    public int threads;

    private CpuBackend backend;
    private RegressionModel model;
    private Adam adam;
    private Tensor x;
    private Tensor y;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(threads);
        Backends.setDefaultBackend(backend);
        Rng rng = new Rng(1);
        switch (workload) {
            case "mlp" -> {
                model = new Mlp(64, new int[] {256, 256}, 0, rng);
                x = Tensor.randn(rng, DType.FLOAT32, 256, 64);
                y = Tensor.randn(rng, DType.FLOAT32, 256, 1);
            }
            case "cnn" -> {
                model = new SmallCnn(28, rng);
                x = Tensor.randn(rng, DType.FLOAT32, 128, 1, 28, 28);
                y = Tensor.randn(rng, DType.FLOAT32, 128, 1);
            }
            case "lstm" -> {
                model = new LstmRegressor(24, 1, 64, 1, rng);
                x = Tensor.randn(rng, DType.FLOAT32, 128, 24, 1);
                y = Tensor.randn(rng, DType.FLOAT32, 128, 1);
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
        adam = new Adam(model.trainableParameters(), 1e-3);
        double first = step();
        double last = first;
        for (int i = 0; i < 5; i++) {
            last = step();
        }
        if (!(last < first)) {
            throw new IllegalStateException(workload + ": five Adam steps did not lower the loss (" + first + " -> " + last + ")");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public double step() {
        try (TensorScope scope = TensorScope.open()) {
            adam.zeroGrad();
            Tensor loss = Functional.mseLoss(model.forward(x).prediction(), y, Reduction.MEAN);
            loss.backward();
            adam.step();
            return loss.item();
        }
    }

    @Benchmark
    public double baseline() {
        try (TensorScope scope = TensorScope.open()) {
            return model.predict(x).sum().item();
        }
    }

    /** The workload names, for scripts. */
    public static List<String> workloads() {
        return List.of("mlp", "cnn", "lstm");
    }
}
