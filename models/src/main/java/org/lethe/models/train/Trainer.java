package org.lethe.models.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lethe.engine.GradMode;
import org.lethe.engine.Reduction;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.engine.optim.Optimizer;
import org.lethe.engine.optim.ReduceLROnPlateau;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.nn.StateDict;

/**
 * Trains a regression model in place with Adam: seeded shuffling each epoch, the validation loss every
 * epoch, ReduceLROnPlateau on it, optional early stopping, the best-validation weights restored at the
 * end, and a guard that stops on a NaN or infinite loss with a message naming the epoch and step.
 */
public final class Trainer {
    private final TrainConfig config;
    private final ProgressListener progress;

    public Trainer(TrainConfig config, ProgressListener progress) {
        this.config = config;
        this.progress = progress == null ? ProgressListener.NONE : progress;
    }

    public TrainConfig config() {
        return config;
    }

    /** Trains {@code model} on {@code train}; {@code validation} may be null (no schedule, no best epoch). */
    public TrainResult fit(RegressionModel model, Dataset train, Dataset validation) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("training: the training set is empty");
        }
        Adam adam = new Adam(model.trainableParameters(), config.learningRate(), 0.9, 0.999, 1e-8, config.weightDecay(), false);
        ReduceLROnPlateau plateau = validation != null && config.plateau() != null
                ? new ReduceLROnPlateau(adam, config.plateau()) : null;
        Rng shuffle = new Rng(config.seed());
        List<EpochRecord> history = new ArrayList<>();
        StateDict best = null;
        int bestEpoch = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        long steps = 0;
        long start = System.nanoTime();
        boolean stoppedEarly = false;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            model.train();
            List<int[]> batches = Batches.of(train.size(), config.batchSize(), shuffle);
            double mean = epoch(model, train, batches, adam, BatchLoss.of(config.loss()), "training", epoch,
                    config.epochs(), progress);
            steps += batches.size();
            double val = validation == null ? Double.NaN : evaluate(model, validation, config.loss(), config.batchSize());
            if (plateau != null) {
                plateau.step(val);
            }
            EpochRecord rec = new EpochRecord(epoch, mean, val, adam.learningRate(),
                    (System.nanoTime() - epochStart) / 1e9);
            history.add(rec);
            if (validation != null && val < bestLoss) {
                bestLoss = val;
                bestEpoch = epoch;
                sinceBest = 0;
                if (config.keepBest()) {
                    best = snapshot(model);
                }
            } else {
                sinceBest++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.epoch(rec, config.epochs(), elapsed / epoch * (config.epochs() - epoch));
            if (config.earlyStoppingPatience() > 0 && sinceBest >= config.earlyStoppingPatience() && epoch < config.epochs()) {
                stoppedEarly = true;
                break;
            }
        }
        if (best != null) {
            model.loadStateDict(best, true);
        }
        return new TrainResult(history, bestEpoch, bestEpoch == 0 ? Double.NaN : bestLoss, steps,
                (System.nanoTime() - start) / 1e9, stoppedEarly);
    }

    /**
     * One epoch of optimiser steps over the given batches, in order: per batch, the loss, its gradient
     * and an optimiser step (Adam for training; the unlearning methods also use SGD), with progress after each. Stops with a {@link TrainingDivergedException} naming
     * the epoch and step when the loss is not finite. Returns the mean loss per row.
     */
    public static double epoch(RegressionModel model, Dataset data, List<int[]> batches, Optimizer optimizer,
                               BatchLoss loss, String label, int epoch, int epochs, ProgressListener progress) {
        double sum = 0;
        int seen = 0;
        for (int b = 0; b < batches.size(); b++) {
            double value;
            try (TensorScope scope = TensorScope.open()) {
                Batch batch = data.batch(batches.get(b));
                optimizer.zeroGrad();
                Tensor l = loss.loss(batch, model.forward(batch.x()));
                value = l.item();
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException(String.format(Locale.ROOT,
                            "%s diverged: the loss is %s at epoch %d, step %d of %d (learning rate %.3g); "
                                    + "lower the learning rate or check the data for extreme values",
                            label, value, epoch, b + 1, batches.size(), optimizer.learningRate()));
                }
                l.backward();
                optimizer.step();
            }
            sum += value * batches.get(b).length;
            seen += batches.get(b).length;
            progress.step(epoch, epochs, b + 1, batches.size(), sum / seen);
        }
        return sum / Math.max(1, seen);
    }

    /** A copy of the model's state that later training does not change. */
    private static StateDict snapshot(RegressionModel model) {
        return TensorScope.detached(() -> {
            StateDict sd = model.stateDict();
            java.util.Map<String, Tensor> copy = new java.util.LinkedHashMap<>();
            try (GradMode.Guard g = GradMode.noGrad()) {
                sd.tensors().forEach((k, v) -> copy.put(k, v.copy()));
            }
            return new StateDict(copy, sd.integerKeys());
        });
    }

    /** Mean loss over a data set in evaluation mode. */
    public static double evaluate(RegressionModel model, Dataset data, Loss loss, int batchSize) {
        if (data.size() == 0) {
            return Double.NaN;
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        double sum = 0;
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int[] rows : Batches.of(data.size(), batchSize, null)) {
                try (TensorScope scope = TensorScope.open()) {
                    Batch b = data.batch(rows);
                    sum += loss.apply(model.forward(b.x()).prediction(), b.y(), Reduction.SUM).item();
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return sum / data.size();
    }
}
