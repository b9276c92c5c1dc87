package org.lethe.unlearning.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The empirical ROC curve of a score that should be higher for positives (members) than for
 * negatives (non-members), with its area and its true-positive rate at a given false-positive rate.
 *
 * <p>Definitions (docs/audits.md). The attack "score &ge; t means positive" is evaluated at every
 * threshold t in {+&infin;} &cup; {distinct scores}, taken in decreasing order: FPR(t) = #{negatives
 * with score &ge; t} / N, TPR(t) = #{positives with score &ge; t} / P. Tied scores therefore always
 * fall on the same side of a threshold; a tie between a positive and a negative is a diagonal segment
 * of the curve. The curve is the polyline through these points, from (0, 0) at t = +&infin; to (1, 1).
 * <ul>
 * <li>AUC: the trapezoidal area under that polyline, which equals the Mann-Whitney statistic
 * P(s+ &gt; s-) + &frac12; P(s+ = s-) over all positive/negative pairs.</li>
 * <li>TPR at FPR &alpha;: the largest TPR(t) over the thresholds with FPR(t) &le; &alpha; (the
 * attacker picks the threshold on the data; no interpolation between points). With N negatives the
 * smallest non-zero FPR is 1/N, so for &alpha; &lt; 1/N this is the TPR at zero false positives.</li>
 * <li>The threshold at FPR &alpha;: the lowest t reaching that TPR with FPR(t) &le; &alpha;;
 * +&infin; when no finite threshold qualifies (then nothing is flagged).</li>
 * </ul>
 * A NaN score makes every result NaN (a diverged model has no meaningful attack); with no positives or
 * no negatives the results are NaN too.
 */
public final class Roc {
    private final double[] thresholds;
    private final double[] fpr;
    private final double[] tpr;
    private final double auc;
    private final int positives;
    private final int negatives;

    private Roc(double[] thresholds, double[] fpr, double[] tpr, double auc, int positives, int negatives) {
        this.thresholds = thresholds;
        this.fpr = fpr;
        this.tpr = tpr;
        this.auc = auc;
        this.positives = positives;
        this.negatives = negatives;
    }

    /** The curve of {@code positive} scores against {@code negative} scores (higher = positive). */
    public static Roc of(double[] positive, double[] negative) {
        int p = positive.length;
        int n = negative.length;
        boolean nan = false;
        for (double v : positive) {
            nan |= Double.isNaN(v);
        }
        for (double v : negative) {
            nan |= Double.isNaN(v);
        }
        if (p == 0 || n == 0 || nan) {
            return new Roc(new double[0], new double[0], new double[0], Double.NaN, p, n);
        }
        double[] pos = positive.clone();
        double[] neg = negative.clone();
        Arrays.sort(pos);
        Arrays.sort(neg);
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {Double.POSITIVE_INFINITY, 0, 0});
        int ip = p - 1;
        int in = n - 1;
        long tp = 0;
        long fp = 0;
        double area = 0;
        while (ip >= 0 || in >= 0) {
            double t = Math.max(ip >= 0 ? pos[ip] : Double.NEGATIVE_INFINITY, in >= 0 ? neg[in] : Double.NEGATIVE_INFINITY);
            long tp0 = tp;
            long fp0 = fp;
            while (ip >= 0 && pos[ip] == t) {
                tp++;
                ip--;
            }
            while (in >= 0 && neg[in] == t) {
                fp++;
                in--;
            }
            // trapezoid in count units: width (fp - fp0), heights tp0 and tp
            area += (fp - fp0) * (tp0 + tp) / 2.0;
            points.add(new double[] {t, fp / (double) n, tp / (double) p});
        }
        double[] th = new double[points.size()];
        double[] f = new double[points.size()];
        double[] r = new double[points.size()];
        for (int i = 0; i < th.length; i++) {
            th[i] = points.get(i)[0];
            f[i] = points.get(i)[1];
            r[i] = points.get(i)[2];
        }
        return new Roc(th, f, r, area / ((double) p * n), p, n);
    }

    /** Area under the curve; 0.5 is chance, 1 a perfect attack. */
    public double auc() {
        return auc;
    }

    public int positives() {
        return positives;
    }

    public int negatives() {
        return negatives;
    }

    private int indexAtFpr(double alpha) {
        int best = -1;
        for (int i = 0; i < fpr.length && fpr[i] <= alpha; i++) {
            best = i;
        }
        return best;
    }

    /** The largest TPR among thresholds whose FPR is at most {@code alpha}. */
    public double tprAtFpr(double alpha) {
        int i = indexAtFpr(alpha);
        return i < 0 ? Double.NaN : tpr[i];
    }

    /**
     * The threshold of {@link #tprAtFpr}: scores at or above it are flagged; +&infin; when only the
     * empty attack keeps the FPR within {@code alpha}; NaN when the curve is undefined.
     */
    public double thresholdAtFpr(double alpha) {
        int i = indexAtFpr(alpha);
        return i < 0 ? Double.NaN : thresholds[i];
    }

    /** The fraction of {@code scores} at or above {@code threshold} (NaN for no scores or a NaN threshold). */
    public static double fractionFlagged(double[] scores, double threshold) {
        if (scores.length == 0 || Double.isNaN(threshold)) {
            return Double.NaN;
        }
        int k = 0;
        for (double s : scores) {
            k += s >= threshold ? 1 : 0;
        }
        return k / (double) scores.length;
    }

    /** Every point of the curve: false-positive rates, from (0, 0) to (1, 1). */
    public double[] fpr() {
        return fpr.clone();
    }

    /** Every point of the curve: true-positive rates. */
    public double[] tpr() {
        return tpr.clone();
    }

    /**
     * The curve without points that lie inside a horizontal or vertical run (the same polyline with
     * fewer points), as {@code [fpr, tpr]}: what results.json stores and the report draws.
     */
    public double[][] corners() {
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < fpr.length; i++) {
            boolean inner = i > 0 && i < fpr.length - 1
                    && ((fpr[i - 1] == fpr[i] && fpr[i] == fpr[i + 1]) || (tpr[i - 1] == tpr[i] && tpr[i] == tpr[i + 1]));
            if (!inner) {
                keep.add(new double[] {fpr[i], tpr[i]});
            }
        }
        double[][] out = new double[2][keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            out[0][i] = keep.get(i)[0];
            out[1][i] = keep.get(i)[1];
        }
        return out;
    }
}
