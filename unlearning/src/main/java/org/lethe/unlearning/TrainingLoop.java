package org.lethe.unlearning;

import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.EpochRecord;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;

/**
 * The plain loop the paper's unlearning methods share: Adam at a constant learning rate over shuffled
 * batches for a number of epochs, a method-specific loss per batch, the last epoch's weights kept.
 */
public final class TrainingLoop {
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
            double mean = Trainer.epoch(model, data, batches, adam, loss, label, epoch, epochs, progress);
            steps += batches.size();
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.epoch(new EpochRecord(epoch, mean, Double.NaN, lr, elapsed / epoch), epochs,
                    elapsed / epoch * (epochs - epoch));
        }
        return steps;
    }
}
