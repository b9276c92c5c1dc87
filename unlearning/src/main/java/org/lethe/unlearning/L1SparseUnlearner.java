package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Tensor;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.ProgressListener;

/**
 * l1-sparse fine-tuning (Jia, Liu, Ram, Yao, Liu, Liu, Sharma and Liu, "Model Sparsity Can Simplify
 * Machine Unlearning", NeurIPS 2023): fine-tuning on the retain rows with an l1 penalty on the weights
 * whose weight decays over the epochs, {@code L_e = loss(D_r batch) + gamma_e * ||theta||_1}.
 *
 * <p>Port. {@code ||theta||_1} is the sum of the absolute values of every trainable parameter (weights
 * and biases, as the paper's code sums {@code model.parameters()}); the schedule is the paper's linear
 * decay {@code gamma_e = gamma * (1 - (e - 1) / E)} for epoch {@code e = 1..E} (its code:
 * {@code alpha * (1 - epoch / unlearn_epochs)} with epochs counted from 0), so the first epoch uses
 * {@code gamma} and the last {@code gamma / E}. A copy of the original trains with Adam on shuffled
 * batches of retain rows with the task loss; the last epoch's weights are the result.
 *
 * <p>Defaults: gamma 5e-4, 10 epochs (the paper's), Adam learning rate 0.001 and batch 256 (Finetune's;
 * the paper used SGD 0.01). The paper's scripts leave gamma to the user (scripts built on them use 1e-4
 * for a ResNet-18 of 11 million weights); the default MLP has 4,801 parameters with an l1 norm of 550 to
 * 585 after training, and 5e-4 makes the penalty about the size of the task loss at the start.
 */
public final class L1SparseUnlearner implements Unlearner {
    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(double gamma, double learningRate, int epochs, int batchSize) {
        public Config {
            Checks.nonNegative("l1sparse", "gamma", gamma);
            Checks.positive("l1sparse", "learning_rate", learningRate);
            Checks.atLeast("l1sparse", "epochs", epochs, 1);
            Checks.atLeast("l1sparse", "batch_size", batchSize, 1);
        }

        public static Config defaults() {
            return new Config(5e-4, 0.001, 10, 256);
        }

        /** The penalty weight of epoch {@code epoch} (1-based). */
        public double gamma(int epoch) {
            return gamma * (1 - (epoch - 1) / (double) epochs);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gamma", gamma);
            m.put("learning_rate", learningRate);
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            return m;
        }
    }

    private final Config config;

    public L1SparseUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "l1sparse";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /** The sum of the absolute values of the parameters, in the graph. */
    static Tensor l1(List<Tensor> params) {
        Tensor sum = null;
        for (Tensor p : params) {
            Tensor s = p.abs().sum();
            sum = sum == null ? s : sum.add(s);
        }
        return sum;
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        List<Tensor> params = student.trainableParameters();
        double l1Before;
        try (org.lethe.engine.GradMode.Guard g = org.lethe.engine.GradMode.noGrad()) {
            l1Before = l1(params).item();
        }
        long steps = TrainingLoop.run(student, task.retain(), config.epochs(), config.batchSize(),
                new Adam(params, config.learningRate()), seed + 1, epoch -> {
                    double gamma = config.gamma(epoch);
                    BatchLoss l = (b, out) -> task.loss().apply(out.prediction(), b.y()).add(l1(params).mul(gamma));
                    return l;
                }, "l1sparse", progress);
        double l1After;
        try (org.lethe.engine.GradMode.Guard g = org.lethe.engine.GradMode.noGrad()) {
            l1After = l1(params).item();
        }
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9,
                Map.of("l1_norm_original", l1Before, "l1_norm_unlearned", l1After));
    }
}
