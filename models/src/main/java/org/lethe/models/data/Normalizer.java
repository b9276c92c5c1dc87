package org.lethe.models.data;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/**
 * Standardisation fitted on the training rows only and stored with the model: inputs either per
 * feature (tables) or with one mean and deviation for all values (images, sequences), and the target
 * with its own mean and deviation. Models train on standardised targets; predictions are mapped
 * back to the original units before any metric is computed.
 *
 * @param featureMean per-feature means (length 1 for a global standardisation)
 * @param featureStd  per-feature standard deviations (population), 1 where a feature is constant
 */
public record Normalizer(double[] featureMean, double[] featureStd, double targetMean, double targetStd) {

    /** Identity: no standardisation (categorical inputs such as character ids). */
    public static Normalizer identity() {
        return new Normalizer(new double[] {0}, new double[] {1}, 0, 1);
    }

    /**
     * Fits on {@code rows}: per-feature statistics when {@code perFeature} (inputs {@code [N, F]}),
     * else global ones; with {@code inputs} false the inputs are left as they are.
     */
    public static Normalizer fit(RegressionData data, int[] rows, boolean inputs, boolean perFeature) {
        return fit(data, rows, inputs, perFeature, true);
    }

    /**
     * As {@link #fit(RegressionData, int[], boolean, boolean)}; with {@code centreTarget} false the
     * target is only scaled ({@code mean 0}), so that negating a target (a mirrored image's angle)
     * commutes with the standardisation.
     */
    public static Normalizer fit(RegressionData data, int[] rows, boolean inputs, boolean perFeature, boolean centreTarget) {
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = data.target(rows[i]);
        }
        double[] ty = meanStd(y);
        if (!centreTarget) {
            double sq = 0;
            for (double v : y) {
                sq += v * v;
            }
            ty = new double[] {0, Math.sqrt(sq / Math.max(1, y.length)) > 1e-12 ? Math.sqrt(sq / Math.max(1, y.length)) : 1};
        }
        if (!inputs) {
            return new Normalizer(new double[] {0}, new double[] {1}, ty[0], ty[1]);
        }
        Tensor x = data.inputs().indexSelect(0, rows);
        int n = rows.length;
        int f = perFeature ? x.numel() / Math.max(n, 1) : 1;
        double[] v = x.toDoubleArray();
        double[] mean = new double[f];
        double[] std = new double[f];
        long[] count = new long[f];
        for (int i = 0; i < v.length; i++) {
            mean[i % f] += v[i];
            count[i % f]++;
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= Math.max(1, count[j]);
        }
        for (int i = 0; i < v.length; i++) {
            double d = v[i] - mean[i % f];
            std[i % f] += d * d;
        }
        for (int j = 0; j < f; j++) {
            std[j] = Math.sqrt(std[j] / Math.max(1, count[j]));
            if (!(std[j] > 1e-12)) {
                std[j] = 1;
            }
        }
        return new Normalizer(mean, std, ty[0], ty[1]);
    }

    private static double[] meanStd(double[] v) {
        double m = 0;
        for (double d : v) {
            m += d;
        }
        m /= Math.max(1, v.length);
        double s = 0;
        for (double d : v) {
            s += (d - m) * (d - m);
        }
        s = Math.sqrt(s / Math.max(1, v.length));
        return new double[] {m, s > 1e-12 ? s : 1};
    }

    /** Standardised inputs: {@code (x - mean) / std}, broadcast over the last axis per feature. */
    public Tensor inputs(Tensor x) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            if (featureMean.length == 1) {
                return featureMean[0] == 0 && featureStd[0] == 1 ? x : x.sub(featureMean[0]).div(featureStd[0]);
            }
            Tensor m = Tensor.of(DType.FLOAT32, featureMean, featureMean.length);
            Tensor s = Tensor.of(DType.FLOAT32, featureStd, featureStd.length);
            return x.sub(m).div(s);
        }
    }

    public double target(double y) {
        return (y - targetMean) / targetStd;
    }

    /** From standardised to original target units. */
    public double untarget(double z) {
        return z * targetStd + targetMean;
    }

    /** The data set with standardised inputs and targets (the form models train on). */
    public RegressionData apply(RegressionData d) {
        double[] y = d.targets();
        for (int i = 0; i < y.length; i++) {
            y[i] = target(y[i]);
        }
        return new RegressionData(d.name(), inputs(d.inputs()), y, d.columns(), d.targetName(), d.hash());
    }

    /** As JSON-ready values for checkpoints. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature_mean", featureMean);
        m.put("feature_std", featureStd);
        m.put("target_mean", targetMean);
        m.put("target_std", targetStd);
        return m;
    }

    /**
     * Reads {@link #describe()}'s form back (from a checkpoint): equally long, non-empty lists of
     * finite means and positive finite deviations, and a finite target mean and positive finite target
     * deviation; anything else is an {@link IllegalArgumentException} naming the entry.
     */
    public static Normalizer fromMap(Map<String, Object> m) {
        if (m == null || m.isEmpty()) {
            return identity();
        }
        double[] mean = numbers(m, "feature_mean", false);
        double[] std = numbers(m, "feature_std", true);
        if (mean.length != std.length) {
            throw new IllegalArgumentException("feature_mean has " + mean.length + " values, feature_std " + std.length);
        }
        return new Normalizer(mean, std, number(m, "target_mean", m.get("target_mean"), false),
                number(m, "target_std", m.get("target_std"), true));
    }

    private static double number(Map<String, Object> m, String key, Object v, boolean positive) {
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || positive && !(n.doubleValue() > 0)) {
            throw new IllegalArgumentException(key + " must be a finite" + (positive ? " positive" : "") + " number, got "
                    + (v == null ? "nothing" : org.lethe.models.Messages.quote(String.valueOf(v))));
        }
        return n.doubleValue();
    }

    private static double[] numbers(Map<String, Object> m, String key, boolean positive) {
        Object o = m.get(key);
        if (o instanceof double[] d) {
            o = java.util.Arrays.stream(d).boxed().toList();
        }
        if (!(o instanceof java.util.List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a non-empty list of numbers");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(m, key + "[" + i + "]", list.get(i), positive);
        }
        return out;
    }
}
