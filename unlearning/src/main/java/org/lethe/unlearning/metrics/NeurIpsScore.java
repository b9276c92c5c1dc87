package org.lethe.unlearning.metrics;

import java.util.Arrays;

/**
 * The NeurIPS 2023 Machine Unlearning Challenge's forgetting quality (Triantafillou et al. 2024,
 * "Are we making progress in unlearning? Findings from the first NeurIPS unlearning competition"),
 * on regression residuals. See docs/audits.md for the whole definition.
 *
 * <p>Per forget example x, the scores of x under several unlearned models (U) and as many retrained
 * models (R) are two samples; an attack that tries to tell them apart has a false-positive rate (R
 * called U) and a false-negative rate (U called R), and the example's privacy degree is
 * <pre>
 *   eps(x) = max(0, max over attacks of max(log(1 - delta - FPR) - log FNR, log(1 - delta - FNR) - log FPR))
 * </pre>
 * with the challenge's conventions: an attack with FPR = FNR = 0 gives infinity, one with exactly one
 * of them 0 is discarded, one where both logarithms are undefined gives infinity. eps is binned in
 * steps of 0.5 (bin index n = the number of edges 0, 0.5, ..., 6.0 at or below eps, so 1 to 13), the
 * example scores {@code H = 2 / 2^n} (1 for eps &lt; 0.5, halving per bin), and the forgetting quality
 * is the mean of H over the forget examples: 1 when no example can be told apart, 2/8192 at worst.
 *
 * <p>The attack: a threshold on the score (either direction) chosen for the best accuracy on the other
 * models and judged on held-out ones, leave one pair (U_k, R_k) out, the FP and FN counts summed over
 * the held-out pairs. (The challenge's default attack was a cross-validated logistic regression on a
 * one-dimensional score, which is also a threshold in one direction.)
 *
 * <p>Adaptation to few models ({@link #evaluate}): the challenge had 512 models per side; here an
 * example has K/2 (8 to 32 in the cheap setting). A count of 0 false positives or false negatives is
 * replaced by one half (rate 1/(2n) for n held-out pairs) before eps is computed. Without it the
 * challenge's rules would score a perfectly separating attack as infinitely leaky (both counts 0) or
 * discard it as no evidence at all (one count 0, eps 0 and full marks), which with 8 models per side
 * happens for most leaking examples. With it eps is at most log(2n(1 - delta) - 1): 2.7 for n = 8,
 * 4.1 for n = 32, so the lowest attainable quality is 2/64 for K = 16 and 2/512 for K = 64.
 * {@link #epsilon} itself keeps the challenge's rules.
 */
public final class NeurIpsScore {
    /** The challenge's delta. */
    public static final double DELTA = 0.01;
    public static final double BIN_WIDTH = 0.5;
    public static final int BINS = 13;

    /** The forgetting quality and each example's eps. */
    public record Result(double forgettingQuality, double[] epsilons) {
    }

    private NeurIpsScore() {
    }

    /** eps of one example from the FPR and FNR of each attack (see the class comment). */
    public static double epsilon(double[] fpr, double[] fnr, double delta) {
        double eps = 0;
        for (int i = 0; i < fpr.length; i++) {
            double e;
            if (fpr[i] == 0 && fnr[i] == 0) {
                e = Double.POSITIVE_INFINITY;
            } else if (fpr[i] == 0 || fnr[i] == 0) {
                continue;
            } else {
                double e1 = Math.log(1 - delta - fpr[i]) - Math.log(fnr[i]);
                double e2 = Math.log(1 - delta - fnr[i]) - Math.log(fpr[i]);
                if (Double.isNaN(e1) && Double.isNaN(e2)) {
                    e = Double.POSITIVE_INFINITY;
                } else {
                    e = Double.isNaN(e1) ? e2 : Double.isNaN(e2) ? e1 : Math.max(e1, e2);
                }
            }
            eps = Math.max(eps, e);
        }
        return eps;
    }

    /** The bin index: the number of edges 0, 0.5, ..., 6.0 at or below eps (numpy's digitize). */
    public static int binIndex(double eps) {
        int n = 0;
        for (int i = 0; i < BINS; i++) {
            if (i * BIN_WIDTH <= eps) {
                n++;
            }
        }
        return n;
    }

    /** The example's score {@code 2 / 2^binIndex(eps)}. */
    public static double h(double eps) {
        return 2.0 / Math.pow(2, binIndex(eps));
    }

    /** The mean of H over examples (NaN for none, or when an eps is NaN). */
    public static double forgettingQuality(double[] eps) {
        if (eps.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double e : eps) {
            if (Double.isNaN(e)) {
                return Double.NaN;
            }
            s += h(e);
        }
        return s / eps.length;
    }

    /**
     * The leave-one-pair-out threshold attack on one example: {@code u[j]} and {@code r[j]} are the
     * scores under pair j's unlearned and retrained models. Returns {@code {FPR, FNR}}, the fraction of
     * held-out R scores called U and of held-out U scores called R. Needs at least two pairs.
     */
    public static double[] thresholdAttack(double[] u, double[] r) {
        int n = u.length;
        if (n < 2 || r.length != n) {
            throw new IllegalArgumentException("threshold attack: " + u.length + " and " + r.length
                    + " scores; at least two pairs are needed");
        }
        int fp = 0;
        int fn = 0;
        double[] a = new double[n - 1];
        double[] b = new double[n - 1];
        for (int j = 0; j < n; j++) {
            for (int i = 0, m = 0; i < n; i++) {
                if (i != j) {
                    a[m] = u[i];
                    b[m++] = r[i];
                }
            }
            double[] rule = fitThreshold(a, b);
            fp += calledU(r[j], rule) ? 1 : 0;
            fn += calledU(u[j], rule) ? 0 : 1;
        }
        return new double[] {fp / (double) n, fn / (double) n};
    }

    private static boolean calledU(double s, double[] rule) {
        return rule[1] > 0 ? s > rule[0] : s < rule[0];
    }

    /**
     * The most accurate rule "U when score &gt; t" (direction +1) or "U when score &lt; t" (-1) on the
     * U scores {@code a} and R scores {@code b}, as {@code {t, direction}}; t runs over -infinity, the
     * midpoints between consecutive distinct scores and +infinity; the first best in that order, the
     * direction +1 first, wins.
     */
    static double[] fitThreshold(double[] a, double[] b) {
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        double[] sa = a.clone();
        double[] sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        double bestT = Double.NEGATIVE_INFINITY;
        double bestDir = 1;
        int best = -1;
        for (int dir = 1; dir >= -1; dir -= 2) {
            for (int i = -1; i < all.length; i++) {
                if (i >= 0 && i < all.length - 1 && all[i] == all[i + 1]) {
                    continue;
                }
                double t = i < 0 ? Double.NEGATIVE_INFINITY
                        : i == all.length - 1 ? Double.POSITIVE_INFINITY : (all[i] + all[i + 1]) / 2;
                int aAbove = sa.length - upper(sa, t);
                int bAbove = sb.length - upper(sb, t);
                int ok = dir > 0 ? aAbove + (sb.length - bAbove) : (sa.length - aAbove) + bAbove;
                if (ok > best) {
                    best = ok;
                    bestT = t;
                    bestDir = dir;
                }
            }
        }
        return new double[] {bestT, bestDir};
    }

    /** The number of sorted values at or below t. */
    private static int upper(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The forgetting quality of forget examples scored under K shadow pairs.
     *
     * @param u   {@code u[k][x]}: pair k's unlearned model on forget example x
     * @param r   {@code r[k][x]}: pair k's retrained model on x
     * @param has {@code has[k][x]}: x was among pair k's forget rows; examples in fewer than two pairs are skipped
     */
    public static Result evaluate(double[][] u, double[][] r, boolean[][] has, double delta) {
        int k = u.length;
        int n = k == 0 ? 0 : u[0].length;
        double[] eps = new double[n];
        int kept = 0;
        for (int x = 0; x < n; x++) {
            int c = 0;
            for (int p = 0; p < k; p++) {
                c += has[p][x] ? 1 : 0;
            }
            if (c < 2) {
                continue;
            }
            double[] a = new double[c];
            double[] b = new double[c];
            boolean nan = false;
            for (int p = 0, m = 0; p < k; p++) {
                if (has[p][x]) {
                    a[m] = u[p][x];
                    b[m++] = r[p][x];
                    nan |= Double.isNaN(u[p][x]) || Double.isNaN(r[p][x]);
                }
            }
            if (nan) {
                eps[kept++] = Double.NaN;
                continue;
            }
            double[] rates = thresholdAttack(a, b);
            // a zero count becomes one half (see the class comment)
            double fpr = Math.max(rates[0], 0.5 / c);
            double fnr = Math.max(rates[1], 0.5 / c);
            eps[kept++] = epsilon(new double[] {fpr}, new double[] {fnr}, delta);
        }
        double[] e = Arrays.copyOf(eps, kept);
        return new Result(forgettingQuality(e), e);
    }
}
