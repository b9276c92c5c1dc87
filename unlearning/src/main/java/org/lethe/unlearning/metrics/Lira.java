package org.lethe.unlearning.metrics;

/**
 * The likelihood-ratio attack with shadow models (LiRA, Carlini et al. 2022, "Membership inference
 * attacks from first principles"), online version, on a regression score.
 *
 * <p>K shadow models are trained on random halves of a pool of rows, so that every example of the
 * pool is in the training set of some shadows ("in") and not of the others ("out"). For each example
 * the shadows' scores on it give two Gaussians, N(mu_in, sd_in^2) and N(mu_out, sd_out^2). A target
 * model's score s on the example becomes the log likelihood ratio
 * {@code log N(s; mu_in, sd_in) - log N(s; mu_out, sd_out)}: high means "member".
 *
 * <p>The score is the signed residual {@code prediction - target} in standardised target units (the
 * analogue of Carlini's logit-scaled confidence: across shadow models a regressor's prediction on a
 * fixed example is close to Gaussian, and training on the example pulls the residual toward 0 and
 * narrows it). Means are always per example. Standard deviations are per example only when every
 * example has at least {@value #PER_EXAMPLE_MIN} in and out scores (K &ge; 64 in the balanced design);
 * with fewer shadows each is the pooled one, the square root of the mean per-example sample variance
 * of the in (resp. out) scores, as Carlini et al. recommend for few shadow models ("fixed variance").
 */
public final class Lira {
    /** The number of in and of out scores per example from which standard deviations are per example. */
    public static final int PER_EXAMPLE_MIN = 32;
    /** Variance floor (standardised units squared), so that a constant score never divides by zero. */
    static final double MIN_VARIANCE = 1e-12;

    /** The Gaussians of every example. */
    public record Fit(double[] meanIn, double[] sdIn, double[] meanOut, double[] sdOut, boolean perExample) {
        /** The log likelihood ratio (in versus out) of each example's target score. */
        public double[] logLikelihoodRatio(double[] target) {
            double[] out = new double[target.length];
            for (int i = 0; i < target.length; i++) {
                out[i] = logNormal(target[i], meanIn[i], sdIn[i]) - logNormal(target[i], meanOut[i], sdOut[i]);
            }
            return out;
        }
    }

    private Lira() {
    }

    /** The log density of N(mean, sd^2) at x. */
    static double logNormal(double x, double mean, double sd) {
        double z = (x - mean) / sd;
        return -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    }

    /**
     * Fits the Gaussians.
     *
     * @param scores {@code scores[k][i]}: shadow k's score on example i
     * @param in     {@code in[k][i]}: whether example i was in shadow k's training set; every example
     *               needs at least two in and two out scores
     */
    public static Fit fit(double[][] scores, boolean[][] in) {
        int k = scores.length;
        int n = k == 0 ? 0 : scores[0].length;
        double[] sumIn = new double[n];
        double[] sqIn = new double[n];
        double[] sumOut = new double[n];
        double[] sqOut = new double[n];
        int[] nIn = new int[n];
        int[] nOut = new int[n];
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < n; i++) {
                double v = scores[s][i];
                if (in[s][i]) {
                    sumIn[i] += v;
                    sqIn[i] += v * v;
                    nIn[i]++;
                } else {
                    sumOut[i] += v;
                    sqOut[i] += v * v;
                    nOut[i]++;
                }
            }
        }
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (nIn[i] < 2 || nOut[i] < 2) {
                throw new IllegalArgumentException("LiRA: example " + i + " has " + nIn[i] + " in and " + nOut[i]
                        + " out scores; at least 2 of each are needed");
            }
            min = Math.min(min, Math.min(nIn[i], nOut[i]));
        }
        boolean perExample = n > 0 && min >= PER_EXAMPLE_MIN;
        double[] mIn = new double[n];
        double[] mOut = new double[n];
        double[] vIn = new double[n];
        double[] vOut = new double[n];
        double poolIn = 0;
        double poolOut = 0;
        for (int i = 0; i < n; i++) {
            mIn[i] = sumIn[i] / nIn[i];
            mOut[i] = sumOut[i] / nOut[i];
            vIn[i] = Math.max(0, (sqIn[i] - nIn[i] * mIn[i] * mIn[i]) / (nIn[i] - 1));
            vOut[i] = Math.max(0, (sqOut[i] - nOut[i] * mOut[i] * mOut[i]) / (nOut[i] - 1));
            poolIn += vIn[i] / n;
            poolOut += vOut[i] / n;
        }
        double[] sIn = new double[n];
        double[] sOut = new double[n];
        for (int i = 0; i < n; i++) {
            sIn[i] = Math.sqrt(Math.max(MIN_VARIANCE, perExample ? vIn[i] : poolIn));
            sOut[i] = Math.sqrt(Math.max(MIN_VARIANCE, perExample ? vOut[i] : poolOut));
        }
        return new Fit(mIn, sIn, mOut, sOut, perExample);
    }
}
