package org.lethe.unlearning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Reduction;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.ProgressListener;

/**
 * SalUn (Fan, Liu, Zhang, Wei, Wong and Liu, "SalUn: Empowering Machine Unlearning via Gradient-based
 * Weight Saliency in Both Image Classification and Generation", ICLR 2024): random-label unlearning
 * restricted to the weights most salient for the forget rows.
 *
 * <p>Regression port. (1) Saliency: the gradient {@code g} of the task loss over all forget rows (their
 * mean, in batches, the original's copy in evaluation mode) with respect to every parameter (weights
 * and biases); the mask is 1 for the {@code round(fraction * P)} elements of largest {@code |g|} among all
 * P parameter elements (one global threshold, ties broken by parameter order) and 0 elsewhere. (2)
 * Gaussian fine-tuning ({@link GaussianUnlearner}'s relabelled training set, the forget rows' targets
 * drawn from {@code N(mu, sigma^2)} of the training targets, in place of SalUn's random class labels) of a
 * copy of the original with Adam, each gradient multiplied by the mask before the step: a masked weight
 * receives zero gradient, its Adam moments stay zero, and it stays bit-identical to the original's.
 *
 * <p>Defaults: fraction 0.5 (SPEC's, SalUn's default), and Gaussian fine-tuning's settings (Adam 0.001,
 * batch 256) for 3 epochs: with half the weights fixed, Gaussian's single epoch moves little, and
 * SalUn's own recipe runs several epochs.
 */
public final class SalUnUnlearner implements Unlearner {
    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(double fraction, double learningRate, int epochs, int batchSize) {
        public Config {
            Checks.fraction("salun", "fraction", fraction);
            Checks.positive("salun", "learning_rate", learningRate);
            Checks.atLeast("salun", "epochs", epochs, 1);
            Checks.atLeast("salun", "batch_size", batchSize, 1);
        }

        public static Config defaults() {
            return new Config(0.5, 0.001, 3, 256);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fraction", fraction);
            m.put("learning_rate", learningRate);
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            return m;
        }
    }

    private final Config config;

    public SalUnUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "salun";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /**
     * The gradient of the mean task loss over the forget rows with respect to every parameter of a copy
     * of {@code model} (evaluation mode), by parameter name; {@code model} is not touched.
     */
    public static Map<String, double[]> forgetGradient(RegressionModel model, UnlearningTask task, int batchSize) {
        RegressionModel copy = model.deepCopy();
        copy.unfreeze();
        copy.eval();
        Dataset forget = task.forgetRows();
        Map<String, Tensor> params = copy.namedParameters();
        params.values().forEach(Tensor::zeroGrad);
        int n = forget.size();
        for (int[] rows : Batches.of(n, batchSize, null)) {
            try (TensorScope scope = TensorScope.open()) {
                Batch b = forget.batch(rows);
                task.loss().apply(copy.forward(b.x()).prediction(), b.y(), Reduction.SUM).div(n).backward();
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, p.grad() == null ? new double[p.numel()] : p.grad().toDoubleArray()));
        return out;
    }

    /**
     * The saliency mask: for each parameter, whether each element is among the {@code round(fraction * P)}
     * elements of largest {@code |gradient|} over all P elements (ties go to the earlier element).
     */
    public static Map<String, boolean[]> mask(Map<String, double[]> gradient, double fraction) {
        int total = 0;
        for (double[] g : gradient.values()) {
            total += g.length;
        }
        double[] all = new double[total];
        int at = 0;
        for (double[] g : gradient.values()) {
            for (double v : g) {
                all[at++] = Math.abs(v);
            }
        }
        int keep = (int) Math.round(fraction * total);
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        double threshold = keep == 0 ? Double.POSITIVE_INFINITY : sorted[total - keep];
        int above = 0;
        for (double v : all) {
            above += v > threshold ? 1 : 0;
        }
        int tiesLeft = keep - above;
        Map<String, boolean[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : gradient.entrySet()) {
            double[] g = e.getValue();
            boolean[] m = new boolean[g.length];
            for (int i = 0; i < g.length; i++) {
                double a = Math.abs(g[i]);
                if (a > threshold) {
                    m[i] = true;
                } else if (a == threshold && tiesLeft > 0) {
                    m[i] = true;
                    tiesLeft--;
                }
            }
            out.put(e.getKey(), m);
        }
        return out;
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        Map<String, boolean[]> mask = mask(forgetGradient(original, task, config.batchSize()), config.fraction());
        Dataset relabelled = GaussianUnlearner.relabel(task, seed);
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        List<Tensor> params = new ArrayList<>();
        List<Tensor> masks = new ArrayList<>();
        long kept = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : student.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            boolean[] m = mask.get(e.getKey());
            double[] v = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                v[i] = m[i] ? 1 : 0;
                kept += m[i] ? 1 : 0;
            }
            total += m.length;
            params.add(p);
            masks.add(Tensor.of(p.backend(), p.dtype(), v, p.shape()));
        }
        long steps = TrainingLoop.run(student, relabelled, config.epochs(), config.batchSize(),
                new MaskedAdam(params, masks, config.learningRate()), seed + 1,
                TrainingLoop.hooks((b, out) -> task.loss().apply(out.prediction(), b.y())), "salun", progress);
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9,
                Map.of("salient_parameters", kept, "parameters", total));
    }

    /** Adam whose gradients are multiplied elementwise by a fixed 0/1 mask before each update. */
    static final class MaskedAdam extends Adam {
        private final Tensor[] masks;

        MaskedAdam(List<Tensor> params, List<Tensor> masks, double lr) {
            super(params, lr);
            this.masks = masks.toArray(new Tensor[0]);
        }

        @Override
        protected void update(int index, Tensor param, Tensor grad, int step) {
            super.update(index, param, grad.mul(masks[index]), step);
        }
    }
}
