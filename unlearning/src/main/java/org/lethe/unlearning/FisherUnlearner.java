package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.ProgressListener;

/**
 * Fisher forgetting (Golatkar, Achille and Soatto, "Eternal Sunshine of the Spotless Net: Selective
 * Forgetting in Deep Networks", CVPR 2020): Gaussian noise added to every parameter element, largest
 * where the retain rows do not pin the parameter down. No training.
 *
 * <p>{@code F} is the diagonal Fisher of the original (evaluation mode) on the retain rows D_r: for the
 * MSE loss (a Gaussian likelihood of unit variance) the mean over rows of the squared output Jacobian,
 * {@code F_j = mean_i (d f(x_i) / d theta_j)^2}, per sample (batches of one row) over at most
 * {@code samples} retain rows (a seeded random subset when D_r is larger). Then
 * {@code theta_j <- theta_j + s_j * eps_j}, {@code eps_j ~ N(0, 1)} seeded (parameters in order),
 * {@code s_j = sqrt(alpha * min(1 / (F_j + 1e-8), max_variance))}: the standard deviation is
 * clamped at {@code sqrt(alpha * max_variance)} for parameters the retain rows do not move.
 *
 * <p>Defaults: alpha 1e-6 and max_variance 1000, after Golatkar et al.'s code as recalled (where
 * {@code var = clamp(1 / (F + 1e-8), max = 1e3)} and the noise is {@code sqrt(alpha * var)}; not re-checked
 * against their repository), samples 1000. See docs/methods.md for the measured effect of alpha.
 */
public final class FisherUnlearner implements Unlearner {
    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(double alpha, double maxVariance, int samples) {
        public Config {
            Checks.positive("fisher", "alpha", alpha);
            Checks.positive("fisher", "max_variance", maxVariance);
            Checks.atLeast("fisher", "samples", samples, 1);
        }

        public static Config defaults() {
            return new Config(1e-6, 1000, 1000);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alpha", alpha);
            m.put("max_variance", maxVariance);
            m.put("samples", samples);
            return m;
        }
    }

    private final Config config;

    public FisherUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "fisher";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /** The retain rows the Fisher is taken on: all of them, or {@code samples} of them drawn with {@code seed}. */
    static Dataset rows(UnlearningTask task, int samples, long seed) {
        Dataset retain = task.retain();
        if (retain.size() <= samples) {
            return retain;
        }
        int[] perm = new Rng(seed).permutation(retain.size());
        return retain.subset(java.util.Arrays.copyOf(perm, samples));
    }

    /** The diagonal Fisher of {@code model} on {@code data}: mean over rows of the squared output Jacobian. */
    public static Map<String, double[]> fisher(RegressionModel model, Dataset data) {
        return DiagonalFisher.of(model, data, 1, (b, out) -> out.sum());
    }

    /** The noise's standard deviation for one parameter element of Fisher information {@code f}. */
    public static double std(double f, double alpha, double maxVariance) {
        return Math.sqrt(alpha * Math.min(1 / (f + 1e-8), maxVariance));
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        Dataset data = rows(task, config.samples(), seed);
        Map<String, double[]> f = fisher(original, data);
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        Rng rng = new Rng(seed + 1);
        long clamped = 0;
        double limit = 1 / config.maxVariance();
        for (Map.Entry<String, Tensor> e : student.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            double[] fi = f.get(e.getKey());
            double[] v = p.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                clamped += fi[i] + 1e-8 <= limit ? 1 : 0;
                v[i] += std(fi[i], config.alpha(), config.maxVariance()) * rng.nextGaussian();
            }
            DiagonalFisher.set(p, v);
        }
        return new UnlearningResult(student, 0, (System.nanoTime() - start) / 1e9,
                Map.of("fisher_rows", data.size(), "clamped_parameters", clamped));
    }
}
