package org.lethe.unlearning;

import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.ProgressListener;

/**
 * Gaussian fine-tuning (the paper's "Gaussian-Amnesiac"): with {@code mu, sigma} the mean and sample
 * standard deviation (n-1) of all training targets, each forget row's target is replaced once by an
 * independent draw from {@code N(mu, sigma^2)} (seeded; inputs untouched; no clipping), and a copy of
 * the original is fine-tuned on the whole relabelled training set: Adam at a constant learning rate,
 * last epoch. Defaults: learning rate 0.001, batch 256, 1 epoch (the paper's image task; its text
 * task used 5).
 */
public final class GaussianUnlearner implements Unlearner {
    /** Settings; {@link #paper()} gives the paper's image-task values. */
    public record Config(double learningRate, int epochs, int batchSize) {
        public static Config paper() {
            return new Config(0.001, 1, 256);
        }
    }

    private final Config config;

    public GaussianUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "gaussian";
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("learning_rate", config.learningRate(), "epochs", config.epochs(), "batch_size", config.batchSize());
    }

    /** The relabelled training set: forget rows' targets drawn from N(mean, sd^2) of all training targets. */
    public static Dataset relabel(UnlearningTask task, long seed) {
        Dataset train = task.train();
        int n = train.size();
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += train.target(i);
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = train.target(i) - mean;
            ss += d * d;
        }
        double sd = Math.sqrt(ss / Math.max(1, n - 1));
        boolean[] flags = task.trainForgetFlags();
        Rng rng = new Rng(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = flags[i] ? mean + sd * rng.nextGaussian() : train.target(i);
        }
        return new Relabelled(train, y);
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        Dataset relabelled = relabel(task, seed);
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        long steps = TrainingLoop.run(student, relabelled, config.epochs(), config.batchSize(), config.learningRate(),
                seed + 1, (b, out) -> task.loss().apply(out.prediction(), b.y()), "gaussian", progress);
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9, Map.of());
    }
}
