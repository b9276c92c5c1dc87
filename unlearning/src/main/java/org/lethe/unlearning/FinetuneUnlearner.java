package org.lethe.unlearning;

import java.util.Map;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;

/**
 * Finetune (baseline): a copy of the original trained on the retain rows only with the task loss,
 * Adam at a constant learning rate; the last epoch's weights. Defaults: learning rate 0.001, 5 epochs,
 * batch 256 (the paper's).
 */
public final class FinetuneUnlearner implements Unlearner {
    /** Settings; {@link #paper()} gives the paper's values. */
    public record Config(double learningRate, int epochs, int batchSize) {
        public static Config paper() {
            return new Config(0.001, 5, 256);
        }
    }

    private final Config config;

    public FinetuneUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "finetune";
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("learning_rate", config.learningRate(), "epochs", config.epochs(), "batch_size", config.batchSize());
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        long steps = TrainingLoop.run(student, task.retain(), config.epochs(), config.batchSize(), config.learningRate(),
                seed, (b, out) -> task.loss().apply(out.prediction(), b.y()), "finetune", progress);
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9, Map.of());
    }
}
