package org.lethe.unlearning.metrics;

import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningTask;

/**
 * The anamnesis index (AIN): how quickly a model relearns what it forgot. Relearn time = the number of
 * Adam steps (learning rate 0.01, batch 256, the whole training set, shuffled) until the loss on the
 * forget cohort of the validation rows is at most {@code (1 + alpha)} times the original model's
 * (alpha 0.05), checked after every step and capped at 10 epochs. AIN = relearn(unlearned) /
 * relearn(retrained); about 1 is ideal. Relearning always happens on a deep copy, so no model is
 * changed (the paper's reference code relearned the gold model in place and reused it).
 * Without a validation forget cohort (random or explicit requests) the training forget rows are used.
 */
public final class AnamnesisIndex {
    /** Settings; {@link #paper()} gives the values above. */
    public record Config(double learningRate, int batchSize, int maxEpochs, double alpha) {
        public static Config paper() {
            return new Config(0.01, 256, 10, 0.05);
        }
    }

    /** Steps to relearn, and whether the cap was reached first. */
    public record Relearn(long steps, boolean capped) {
    }

    private AnamnesisIndex() {
    }

    /** The rows whose loss decides when the forgotten information is back. */
    public static Dataset probe(UnlearningTask task) {
        int[] rows = task.forget().validationForget().length > 0 ? task.forget().validationForget()
                : task.forget().trainForget();
        return task.data().subset(rows);
    }

    /** The loss level that counts as relearned: {@code (1 + alpha)} times the original's on the probe rows. */
    public static double threshold(RegressionModel original, UnlearningTask task, Config config) {
        return (1 + config.alpha()) * Trainer.evaluate(original, probe(task), task.loss(), 512);
    }

    /**
     * AIN = relearn(unlearned) / relearn(retrained); NaN when Retrain needs no step (nothing to compare
     * with). When Retrain reached the cap, its true relearn time is longer, so the index is an upper bound.
     */
    public static double index(Relearn unlearned, Relearn retrained) {
        return retrained.steps() == 0 ? Double.NaN : unlearned.steps() / (double) retrained.steps();
    }

    /** Adam steps until a deep copy of {@code model} is back at {@code threshold} on the probe rows. */
    public static Relearn relearn(RegressionModel model, UnlearningTask task, double threshold, Config config, long seed) {
        RegressionModel copy = model.deepCopy();
        copy.unfreeze();
        Dataset probe = probe(task);
        if (Trainer.evaluate(copy, probe, task.loss(), 512) <= threshold) {
            return new Relearn(0, false);
        }
        Dataset train = task.train();
        Adam adam = new Adam(copy.trainableParameters(), config.learningRate());
        Rng shuffle = new Rng(seed);
        long steps = 0;
        for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
            List<int[]> batches = Batches.of(train.size(), config.batchSize(), shuffle);
            for (int[] rows : batches) {
                copy.train();
                try (TensorScope s = TensorScope.open()) {
                    Batch b = train.batch(rows);
                    adam.zeroGrad();
                    Tensor l = task.loss().apply(copy.forward(b.x()).prediction(), b.y());
                    l.backward();
                    adam.step();
                }
                steps++;
                if (Trainer.evaluate(copy, probe, task.loss(), 512) <= threshold) {
                    return new Relearn(steps, false);
                }
            }
        }
        return new Relearn(steps, true);
    }
}
