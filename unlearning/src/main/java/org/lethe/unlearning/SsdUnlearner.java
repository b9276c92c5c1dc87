package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.Tensor;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;

/**
 * SSD, selective synaptic dampening (Foster, Schoepf and Brintrup, "Fast Machine Unlearning Without
 * Retraining Through Selective Synaptic Dampening", AAAI 2024), and its loss-free variant LFSSD
 * (Foster, Schoepf and Brintrup, "Loss-Free Machine Unlearning", ICLR 2024 Tiny Papers). No training.
 *
 * <p>Importances are diagonal Fisher estimates from squared gradients, per batch: with the rows cut into
 * batches of {@code batch_size} (in order), {@code I = mean over batches of g_b^2}, {@code g_b} the
 * gradient, with respect to every parameter element, of the batch's mean task loss (SSD) or of the
 * batch's mean l2 norm of the model's output, {@code |f(x)|} for the single regression output (LFSSD,
 * which needs no targets). {@code I_D} is taken over all training rows D (retain and forget),
 * {@code I_f} over the forget rows D_f, both on the original in evaluation mode. Then each parameter
 * element with {@code I_f > alpha * I_D} is multiplied by {@code min(1, lambda * I_D / I_f)}; every
 * other element stays bit-identical to the original's.
 *
 * <p>Defaults: alpha 10, lambda 1 (SPEC's, the paper's), batch 64.
 */
public final class SsdUnlearner implements Unlearner {
    /** Settings; {@link #defaults(boolean)} gives Lethe's; {@code lossFree} selects LFSSD (not a setting). */
    public record Config(boolean lossFree, double alpha, double lambda, int batchSize) {
        public Config {
            String m = lossFree ? "lfssd" : "ssd";
            Checks.positive(m, "alpha", alpha);
            Checks.positive(m, "lambda", lambda);
            Checks.atLeast(m, "batch_size", batchSize, 1);
        }

        public static Config defaults(boolean lossFree) {
            return new Config(lossFree, 10, 1, 64);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alpha", alpha);
            m.put("lambda", lambda);
            m.put("batch_size", batchSize);
            return m;
        }
    }

    private final Config config;

    public SsdUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.lossFree() ? "lfssd" : "ssd";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /** The importances of {@code model}'s parameters on the rows of {@code data} (see the class comment). */
    public static Map<String, double[]> importance(RegressionModel model, UnlearningTask task,
                                                   org.lethe.models.data.Dataset data, Config config) {
        return DiagonalFisher.of(model, data, config.batchSize(), config.lossFree()
                ? (b, out) -> out.abs().mean()
                : (b, out) -> task.loss().apply(out, b.y()));
    }

    /**
     * The factor SSD multiplies one parameter element by: {@code min(1, lambda * iD / iF)} where
     * {@code iF > alpha * iD}, else exactly 1.
     */
    public static double factor(double iD, double iF, double alpha, double lambda) {
        return iF > alpha * iD ? Math.min(1, lambda * iD / iF) : 1;
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        Map<String, double[]> iD = importance(original, task, task.train(), config);
        Map<String, double[]> iF = importance(original, task, task.forgetRows(), config);
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        long dampened = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : student.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            double[] d = iD.get(e.getKey());
            double[] f = iF.get(e.getKey());
            double[] v = p.toDoubleArray();
            boolean changed = false;
            for (int i = 0; i < v.length; i++) {
                if (f[i] > config.alpha() * d[i]) {
                    v[i] *= factor(d[i], f[i], config.alpha(), config.lambda());
                    dampened++;
                    changed = true;
                }
            }
            total += v.length;
            if (changed) {
                DiagonalFisher.set(p, v);
            }
        }
        return new UnlearningResult(student, 0, (System.nanoTime() - start) / 1e9,
                Map.of("dampened_parameters", dampened, "parameters", total));
    }
}
