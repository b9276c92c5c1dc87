package org.lethe.unlearning;

import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.optim.Adam;
import org.lethe.engine.optim.Optimizer;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.EpochRecord;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.models.train.TrainingDivergedException;

/**
 * The plain loop the unlearning methods share: an optimiser over shuffled batches for a number of
 * epochs, a method-specific loss per batch ({@link Trainer#epoch}), the last step's weights kept. The
 * paper's methods use Adam at a constant learning rate; the methods beyond the paper also change the
 * optimiser (SCRUB's SGD, SalUn's masked Adam), the loss from one epoch to the next (the decaying
 * l1 weight of sparse fine-tuning), the modes of parts of the model (frozen layers of CF-k and EU-k)
 * and stop early (the retain-error guard of NegGrad+): {@link Hooks}.
 */
public final class TrainingLoop {
    private TrainingLoop() {
    }

    /** What a method may change in the loop. */
    public interface Hooks {
        /** The loss of every batch of epoch {@code epoch} (1-based). */
        BatchLoss loss(int epoch);

        /** Called at the start of each epoch, after the model was put in training mode (to set parts of it otherwise). */
        default void epochStarts(int epoch, RegressionModel model) {
        }

        /** Called after every optimiser step ({@code step} counts from 1 over all epochs); false stops the loop. */
        default boolean proceed(long step) {
            return true;
        }
    }

    /** Hooks with one loss for every epoch and nothing else. */
    public static Hooks hooks(BatchLoss loss) {
        return epoch -> loss;
    }

    /** Trains {@code model} in place with Adam at a constant learning rate; returns the number of optimiser steps. */
    public static long run(RegressionModel model, Dataset data, int epochs, int batchSize, double lr, long seed,
                           BatchLoss loss, String label, ProgressListener progress) {
        return run(model, data, epochs, batchSize, new Adam(model.trainableParameters(), lr), seed, hooks(loss), label,
                progress);
    }

    /**
     * Trains {@code model} in place with {@code optimizer} over {@code epochs} passes of {@code data}
     * in batches shuffled by {@code seed}; returns the number of optimiser steps taken.
     */
    public static long run(RegressionModel model, Dataset data, int epochs, int batchSize, Optimizer optimizer, long seed,
                           Hooks hooks, String label, ProgressListener progress) {
        Rng shuffle = new Rng(seed);
        long steps = 0;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model.train();
            hooks.epochStarts(epoch, model);
            List<int[]> batches = Batches.of(data.size(), batchSize, shuffle);
            BatchLoss loss = hooks.loss(epoch);
            double sum = 0;
            int seen = 0;
            boolean stop = false;
            for (int b = 0; b < batches.size(); b++) {
                int[] rows = batches.get(b);
                ProgressListener one = stepProgress(progress, b + 1, batches.size(), sum, seen, rows.length);
                double mean;
                try {
                    mean = Trainer.epoch(model, data, List.of(rows), optimizer, loss, label, epoch, epochs, one);
                } catch (TrainingDivergedException e) {
                    // Trainer.epoch saw one batch: name the step within the whole epoch.
                    throw new TrainingDivergedException(e.getMessage().replace(", step 1 of 1 ",
                            ", step " + (b + 1) + " of " + batches.size() + " "));
                }
                sum += mean * rows.length;
                seen += rows.length;
                steps++;
                if (!hooks.proceed(steps)) {
                    stop = true;
                    break;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.epoch(new EpochRecord(epoch, sum / Math.max(1, seen), Double.NaN, optimizer.learningRate(),
                    elapsed / epoch), epochs, stop ? 0 : elapsed / epoch * (epochs - epoch));
            if (stop) {
                break;
            }
        }
        return steps;
    }

    /** Progress of one step as a step of the whole epoch, with the epoch's running mean. */
    private static ProgressListener stepProgress(ProgressListener progress, int step, int steps, double sum, int seen,
                                                 int rows) {
        if (progress == ProgressListener.NONE) {
            return progress;
        }
        return new ProgressListener() {
            @Override
            public void step(int epoch, int epochs, int s, int n, double loss) {
                // Trainer.epoch reports the mean of its one batch: fold it into the epoch's running mean.
                progress.step(epoch, epochs, step, steps, (sum + loss * rows) / (seen + rows));
            }
        };
    }
}
