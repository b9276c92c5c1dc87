package org.lethe.unlearning;

import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.TrainConfig;
import org.lethe.models.train.TrainResult;
import org.lethe.models.train.Trainer;

/**
 * Retrain, the gold standard: a fresh model of the same architecture trained on the retain rows only,
 * with the original's recipe (the paper's: Adam 0.01, batch 256, ReduceLROnPlateau, best validation
 * epoch), validated on the retain part of the validation rows. Exact unlearning, at full cost.
 */
public final class RetrainUnlearner implements Unlearner {
    private final TrainConfig config;

    public RetrainUnlearner(TrainConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "retrain";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        RegressionModel model = Models.create(task.spec(), new Rng(seed));
        TrainResult r = new Trainer(config.withSeed(seed + 1), progress).fit(model, task.retain(), task.validationRetain());
        return new UnlearningResult(model, r.steps(), (System.nanoTime() - start) / 1e9,
                Map.of("best_epoch", r.bestEpoch(), "epochs_run", r.history().size()));
    }
}
