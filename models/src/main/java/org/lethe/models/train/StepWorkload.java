package org.lethe.models.train;

import java.util.List;
import org.lethe.engine.Functional;
import org.lethe.engine.Reduction;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.kernels.DType;
import org.lethe.models.LstmRegressor;
import org.lethe.models.Mlp;
import org.lethe.models.RegressionModel;
import org.lethe.models.SmallCnn;

/**
 * The reference training-step workloads that Lethe is benchmarked on, the same as
 * benchmarks/pytorch_steps.py runs in PyTorch (MSE loss, Adam 1e-3, random data):
 * {@code mlp} 64-256-256-1 with ReLU at batch 256; {@code cnn} 1x28x28, conv 3x3 to 16 (padding 1),
 * ReLU, max-pool 2, conv 3x3 to 32, ReLU, max-pool 2, linear 1568-64, ReLU, linear 64-1, batch 128;
 * {@code lstm} 24 steps of 1 feature, one LSTM layer of 64, the last step to linear 64-1, batch 128.
 */
public final class StepWorkload {
    public static final List<String> NAMES = List.of("mlp", "cnn", "lstm");

    private final String name;
    private final RegressionModel model;
    private final Adam adam;
    private final Tensor x;
    private final Tensor y;

    private StepWorkload(String name, RegressionModel model, Tensor x, Tensor y) {
        this.name = name;
        this.model = model;
        this.x = x;
        this.y = y;
        this.adam = new Adam(model.trainableParameters(), 1e-3);
    }

    /** Builds a workload on the default backend, seeded. */
    public static StepWorkload create(String name, long seed) {
        Rng rng = new Rng(seed);
        switch (name) {
            case "mlp":
                return new StepWorkload(name, new Mlp(64, new int[] {256, 256}, 0, rng), Tensor.randn(rng, DType.FLOAT32, 256, 64),
                        Tensor.randn(rng, DType.FLOAT32, 256, 1));
            case "cnn":
                return new StepWorkload(name, new SmallCnn(28, rng), Tensor.randn(rng, DType.FLOAT32, 128, 1, 28, 28),
                        Tensor.randn(rng, DType.FLOAT32, 128, 1));
            case "lstm":
                return new StepWorkload(name, new LstmRegressor(24, 1, 64, 1, rng), Tensor.randn(rng, DType.FLOAT32, 128, 24, 1),
                        Tensor.randn(rng, DType.FLOAT32, 128, 1));
            default:
                throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    public String name() {
        return name;
    }

    /** One step: forward, MSE loss, backward, Adam; returns the loss. */
    public double step() {
        try (TensorScope scope = TensorScope.open()) {
            adam.zeroGrad();
            Tensor loss = Functional.mseLoss(model.forward(x).prediction(), y, Reduction.MEAN);
            loss.backward();
            adam.step();
            return loss.item();
        }
    }

    /** The forward pass alone, without a graph (the benchmarks' baseline). */
    public double forward() {
        try (TensorScope scope = TensorScope.open()) {
            return model.predict(x).sum().item();
        }
    }

    /** Checks that a few steps lower the loss on the fixed batch (run before timing). */
    public void validate() {
        double first = step();
        double last = first;
        for (int i = 0; i < 5; i++) {
            last = step();
        }
        if (!(last < first)) {
            throw new IllegalStateException(name + ": five Adam steps did not lower the loss (" + first + " -> " + last + ")");
        }
    }
}
