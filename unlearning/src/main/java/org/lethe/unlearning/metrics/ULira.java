package org.lethe.unlearning.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * U-LiRA (Hayes et al. 2024, "Inexact unlearning needs more careful evaluations to avoid a false
 * sense of privacy"): a per-example likelihood-ratio attack that tells an unlearned model from a
 * retrained one.
 *
 * <p>Input: K shadow pairs. Pair k has a training set; its unlearned model U_k comes from a model
 * trained on that set and then unlearned (the method under audit) of the pair's forget rows, its
 * retrained model R_k is trained on the set without them. For a forget example x only the pairs whose
 * forget rows contain x count. The score is the signed residual (as in {@link Lira}).
 *
 * <p>The game is played on held-out pairs (leave one pair out, so no score is used to fit the attack
 * that judges it): for each pair k and each example x of its forget rows, Gaussians N(mu_U, sd_U^2)
 * and N(mu_R, sd_R^2) are fitted to x's scores under the other pairs' unlearned and retrained models
 * (means per example; standard deviations pooled over examples, or per example with at least
 * {@value Lira#PER_EXAMPLE_MIN} scores, as in {@link Lira}), and the attacker calls a model
 * "unlearned" when the log likelihood ratio of its score is above 0 (equal priors). Both U_k and R_k
 * are judged. Reported: the accuracy over all these judgements (ties count one half) and the AUC of
 * the ratio (U_k's as positives, R_k's as negatives). 0.5 is perfect unlearning: the unlearned model
 * cannot be told from a retrained one; 1 means it always can.
 */
public final class ULira {
    /** The attack's accuracy and AUC, and the number of (example, held-out pair) trials. */
    public record Result(double accuracy, double auc, int trials) {
    }

    private ULira() {
    }

    /**
     * @param u   {@code u[k][x]}: the unlearned model of pair k scored on forget example x
     * @param r   {@code r[k][x]}: the retrained model of pair k scored on x
     * @param has {@code has[k][x]}: x was among pair k's forget rows (other entries are ignored)
     */
    public static Result attack(double[][] u, double[][] r, boolean[][] has) {
        int k = u.length;
        int n = k == 0 ? 0 : u[0].length;
        double[] su = new double[n];
        double[] qu = new double[n];
        double[] sr = new double[n];
        double[] qr = new double[n];
        int[] cnt = new int[n];
        int min = Integer.MAX_VALUE;
        for (int x = 0; x < n; x++) {
            for (int p = 0; p < k; p++) {
                if (has[p][x]) {
                    su[x] += u[p][x];
                    qu[x] += u[p][x] * u[p][x];
                    sr[x] += r[p][x];
                    qr[x] += r[p][x] * r[p][x];
                    cnt[x]++;
                }
            }
            if (cnt[x] > 0) {
                min = Math.min(min, cnt[x] - 1);
            }
        }
        boolean perExample = min != Integer.MAX_VALUE && min >= Lira.PER_EXAMPLE_MIN;
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        double correct = 0;
        boolean nan = false;
        for (int p = 0; p < k; p++) {
            // the fits without pair p: per example means and variances, then pooled variances
            double[] mu = new double[n];
            double[] mr = new double[n];
            double[] vu = new double[n];
            double[] vr = new double[n];
            double poolU = 0;
            double poolR = 0;
            int pooled = 0;
            for (int x = 0; x < n; x++) {
                int c = cnt[x] - (has[p][x] ? 1 : 0);
                if (c < 1) {
                    continue;
                }
                double a = su[x] - (has[p][x] ? u[p][x] : 0);
                double aq = qu[x] - (has[p][x] ? u[p][x] * u[p][x] : 0);
                double b = sr[x] - (has[p][x] ? r[p][x] : 0);
                double bq = qr[x] - (has[p][x] ? r[p][x] * r[p][x] : 0);
                mu[x] = a / c;
                mr[x] = b / c;
                if (c >= 2) {
                    vu[x] = Math.max(0, (aq - c * mu[x] * mu[x]) / (c - 1));
                    vr[x] = Math.max(0, (bq - c * mr[x] * mr[x]) / (c - 1));
                    poolU += vu[x];
                    poolR += vr[x];
                    pooled++;
                }
            }
            if (pooled > 0) {
                poolU /= pooled;
                poolR /= pooled;
            }
            for (int x = 0; x < n; x++) {
                int c = cnt[x] - (has[p][x] ? 1 : 0);
                if (!has[p][x] || c < 1) {
                    continue;
                }
                double sdU = Math.sqrt(Math.max(Lira.MIN_VARIANCE, perExample ? vu[x] : poolU));
                double sdR = Math.sqrt(Math.max(Lira.MIN_VARIANCE, perExample ? vr[x] : poolR));
                double lu = Lira.logNormal(u[p][x], mu[x], sdU) - Lira.logNormal(u[p][x], mr[x], sdR);
                double lr = Lira.logNormal(r[p][x], mu[x], sdU) - Lira.logNormal(r[p][x], mr[x], sdR);
                nan |= Double.isNaN(lu) || Double.isNaN(lr);
                correct += lu > 0 ? 1 : lu == 0 ? 0.5 : 0;
                correct += lr < 0 ? 1 : lr == 0 ? 0.5 : 0;
                pos.add(lu);
                neg.add(lr);
            }
        }
        int trials = pos.size();
        if (trials == 0 || nan) {
            return new Result(Double.NaN, Double.NaN, trials);
        }
        double auc = Roc.of(pos.stream().mapToDouble(Double::doubleValue).toArray(),
                neg.stream().mapToDouble(Double::doubleValue).toArray()).auc();
        return new Result(correct / (2.0 * trials), auc, trials);
    }
}
