package org.lethe.models;

import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Lstm;

/**
 * Sequence to value: {@code lstm} (batch-first) over {@code [N, T, features]}, then {@code fc} from
 * the last step's hidden state to one output. Activations: the LSTM output sequence {@code lstm}
 * {@code [N, T, H]} (its attention map is taken over time).
 */
public final class LstmRegressor extends RegressionModel {
    private final int steps;
    private final int features;
    private final int hidden;
    private final int layers;
    private final Lstm lstm;
    private final Linear fc;

    public LstmRegressor(int steps, int features, int hidden, int layers, Rng rng) {
        if (steps <= 0) {
            throw new IllegalArgumentException("LSTM regressor: steps must be positive, got " + steps);
        }
        this.steps = steps;
        this.features = features;
        this.hidden = hidden;
        this.layers = layers;
        lstm = child("lstm", new Lstm(features, hidden, layers, 0, rng));
        fc = child("fc", new Linear(hidden, 1, rng));
    }

    @Override
    public ModelOutput forward(Tensor x) {
        Lstm.Output out = lstm.forward(x);
        return new ModelOutput(fc.forward(out.lastHidden()), List.of(new Activation("lstm", out.sequence())), out.lastHidden());
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("lstm", Map.of("steps", steps, "features", features, "hidden", hidden, "layers", layers));
    }

    @Override
    public int[] inputShape() {
        return new int[] {steps, features};
    }
}
