package org.lethe.unlearning.experiment;

import java.util.List;

/** Mean, sample standard deviation (n-1; 0 for one value) and count of a metric over seeds; NaN values are skipped. */
public record Summary(double mean, double sd, int n) {
    public static Summary of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
        if (v.length == 0) {
            return new Summary(Double.NaN, Double.NaN, 0);
        }
        double m = 0;
        for (double d : v) {
            m += d;
        }
        m /= v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - m) * (d - m);
        }
        return new Summary(m, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0, v.length);
    }
}
