package org.lethe.models;

import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Module;

/**
 * A model that maps a batch of inputs to one real value per row and reports its activations. Every
 * architecture is described by a {@link ModelSpec}, from which {@link Models#create} rebuilds it.
 */
public abstract class RegressionModel extends Module {

    /** Prediction {@code [N, 1]} and named activations for a batch. */
    public abstract ModelOutput forward(Tensor x);

    /** The architecture and hyperparameters. */
    public abstract ModelSpec spec();

    /** The shape of one input row (without the batch dimension). */
    public abstract int[] inputShape();

    /** Predictions {@code [N, 1]} in evaluation mode and without a graph; the mode is restored after. */
    public Tensor predict(Tensor x) {
        boolean wasTraining = isTraining();
        eval();
        try (GradMode.Guard g = GradMode.noGrad()) {
            return forward(x).prediction();
        } finally {
            if (wasTraining) {
                train();
            }
        }
    }

    @Override
    protected Module newInstance(Rng rng) {
        return Models.create(spec(), rng);
    }
}
