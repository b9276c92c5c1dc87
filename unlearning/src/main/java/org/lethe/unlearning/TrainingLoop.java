package org.lethe.unlearning;

import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.models.ModelOutput;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.TrainingDivergedException;

/**
 * The plain loop the paper's unlearning methods share: Adam at a constant learning rate over shuffled
 * batches for a number of epochs, a method-specific loss per batch, the last epoch's weights kept.
 */
public final class TrainingLoop {
    /** A batch's loss given the model's output on it. */
    public interface BatchLoss {
        Tensor loss(Batch batch, ModelOutput output);
    }

    private TrainingLoop() {
    }

    /** Trains {@code model} in place; returns the number of optimiser steps. */
    public static long run(RegressionModel model, Dataset data, int epochs, int batchSize, double lr, long seed,
                           BatchLoss loss, String label, ProgressListener progress) {
        Adam adam = new Adam(model.trainableParameters(), lr);
        Rng shuffle = new Rng(seed);
        model.train();
        long steps = 0;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            List<int[]> batches = Batches.of(data.size(), batchSize, shuffle);
            double sum = 0;
            int seen = 0;
            for (int b = 0; b < batches.size(); b++) {
                double value;
                try (TensorScope scope = TensorScope.open()) {
                    Batch batch = data.batch(batches.get(b));
                    adam.zeroGrad();
                    Tensor l = loss.loss(batch, model.forward(batch.x()));
                    value = l.item();
                    if (!Double.isFinite(value)) {
                        throw new TrainingDivergedException(label + " diverged: the loss is " + value + " at epoch " + epoch
                                + ", step " + (b + 1) + " of " + batches.size());
                    }
                    l.backward();
                    adam.step();
                }
                steps++;
                sum += value * batches.get(b).length;
                seen += batches.get(b).length;
                progress.step(epoch, epochs, b + 1, batches.size(), sum / seen);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.epoch(new org.lethe.models.train.EpochRecord(epoch, sum / Math.max(1, seen), Double.NaN, lr,
                    elapsed / epoch), epochs, elapsed / epoch * (epochs - epoch));
        }
        return steps;
    }
}
