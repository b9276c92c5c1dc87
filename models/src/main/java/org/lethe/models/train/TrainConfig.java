package org.lethe.models.train;

import org.lethe.engine.optim.ReduceLROnPlateau;

/**
 * How to train: the defaults are the paper's recipe for Original and Retrain: Adam with learning rate
 * 0.01 (betas 0.9/0.999, eps 1e-8), batch 256, 100 epochs, ReduceLROnPlateau (min, factor 0.1,
 * patience 10, threshold 1e-4 relative) stepped on the validation loss each epoch, and the
 * best-validation weights kept. Early stopping is off (patience 0).
 *
 * @param epochs                 passes over the training rows
 * @param batchSize              rows per optimiser step
 * @param learningRate           Adam's learning rate
 * @param weightDecay            Adam's (coupled) weight decay
 * @param loss                   the task loss
 * @param plateau                learning-rate schedule, or null for a constant rate
 * @param earlyStoppingPatience  stop after this many epochs without a better validation loss (0: never)
 * @param keepBest               restore the weights of the best validation epoch at the end
 * @param seed                   seeds the shuffling (and nothing else: initialisation has its own seed)
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double weightDecay, Loss loss,
                          ReduceLROnPlateau.Config plateau, int earlyStoppingPatience, boolean keepBest, long seed) {

    public TrainConfig {
        if (epochs < 0 || batchSize <= 0 || !(learningRate > 0) || !(weightDecay >= 0) || earlyStoppingPatience < 0) {
            throw new IllegalArgumentException("training configuration: epochs " + epochs + ", batch " + batchSize
                    + ", learning rate " + learningRate + ", weight decay " + weightDecay + ", early stopping "
                    + earlyStoppingPatience + " are not all valid");
        }
    }

    /** The paper's recipe with the given loss and seed. */
    public static TrainConfig paper(Loss loss, long seed) {
        return new TrainConfig(100, 256, 0.01, 0, loss, ReduceLROnPlateau.Config.defaults(), 0, true, seed);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, learningRate, weightDecay, loss, plateau, earlyStoppingPatience, keepBest, seed);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, learningRate, weightDecay, loss, plateau, earlyStoppingPatience, keepBest, seed);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, lr, weightDecay, loss, plateau, earlyStoppingPatience, keepBest, seed);
    }

    public TrainConfig withEarlyStopping(int patience) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, loss, plateau, patience, keepBest, seed);
    }

    public TrainConfig withPlateau(ReduceLROnPlateau.Config p) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, loss, p, earlyStoppingPatience, keepBest, seed);
    }

    public TrainConfig withKeepBest(boolean k) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, loss, plateau, earlyStoppingPatience, k, seed);
    }

    public TrainConfig withLoss(Loss l) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, l, plateau, earlyStoppingPatience, keepBest, seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, loss, plateau, earlyStoppingPatience, keepBest, s);
    }

    /** The configuration as a JSON-ready map (recorded in checkpoints and results). */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("optimizer", "adam");
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
        if (plateau == null) {
            m.put("plateau", "none");
        } else {
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            p.put("mode", plateau.mode().name().toLowerCase(java.util.Locale.ROOT));
            p.put("factor", plateau.factor());
            p.put("patience", plateau.patience());
            p.put("threshold", plateau.threshold());
            p.put("threshold_mode", plateau.thresholdMode().name().toLowerCase(java.util.Locale.ROOT));
            p.put("cooldown", plateau.cooldown());
            p.put("min_lr", plateau.minLr());
            m.put("plateau", p);
        }
        m.put("early_stopping_patience", earlyStoppingPatience);
        m.put("keep_best", keepBest);
        m.put("seed", seed);
        return m;
    }
}
