package org.lethe.unlearning.metrics;

import java.util.Arrays;

/** How far one model's predictions are from another's (the unlearned model's from Retrain's). */
public final class Distances {
    /** Upper bin edges of {@link #relativeDifferenceHistogram}: 0.05, 0.10, ..., 1.00, then everything above. */
    public static final double[] EDGES = edges();

    private Distances() {
    }

    private static double[] edges() {
        double[] e = new double[20];
        for (int i = 0; i < 20; i++) {
            e[i] = (i + 1) * 0.05;
        }
        return e;
    }

    /**
     * Wasserstein-1 distance between the empirical distributions of two prediction sets: the area
     * between their distribution functions; for equal sizes, {@code mean |sort(u)_i - sort(v)_i|}.
     */
    public static double wasserstein1(double[] u, double[] v) {
        if (u.length == 0 || v.length == 0) {
            return Double.NaN;
        }
        double[] a = u.clone();
        double[] b = v.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        if (a.length == b.length) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += Math.abs(a[i] - b[i]);
            }
            return s / a.length;
        }
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        double area = 0;
        int ia = 0;
        int ib = 0;
        for (int k = 0; k < all.length - 1; k++) {
            while (ia < a.length && a[ia] <= all[k]) {
                ia++;
            }
            while (ib < b.length && b[ib] <= all[k]) {
                ib++;
            }
            area += Math.abs(ia / (double) a.length - ib / (double) b.length) * (all[k + 1] - all[k]);
        }
        return area;
    }

    /** {@code mean |u_i - v_i|}: paired, row by row. */
    public static double meanAbsoluteDifference(double[] u, double[] v) {
        if (u.length != v.length) {
            throw new IllegalArgumentException(u.length + " vs " + v.length + " predictions");
        }
        if (u.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += Math.abs(u[i] - v[i]);
        }
        return s / u.length;
    }

    /**
     * Counts of {@code |u_i - v_i| / |y_i|} (the paper's figure of relative prediction difference) in
     * 21 bins: [0, 0.05), [0.05, 0.10), ..., [0.95, 1.00), [1.00, inf). Rows with {@code y = 0} go to
     * the last bin unless {@code u = v}.
     */
    public static int[] relativeDifferenceHistogram(double[] u, double[] v, double[] y) {
        int[] counts = new int[EDGES.length + 1];
        for (int i = 0; i < u.length; i++) {
            double d = Math.abs(u[i] - v[i]);
            double rel = d == 0 ? 0 : d / Math.abs(y[i]);
            int bin = 0;
            while (bin < EDGES.length && rel >= EDGES[bin]) {
                bin++;
            }
            counts[bin]++;
        }
        return counts;
    }
}
