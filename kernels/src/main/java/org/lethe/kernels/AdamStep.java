package org.lethe.kernels;

/**
 * The scalars of one Adam update ({@link Backend#adamStep}): learning rate, betas, eps, weight decay
 * (coupled L2 for Adam, decoupled for AdamW), and the 1-based step count of the parameter.
 */
public record AdamStep(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                       int step) {

    /** One element of the update, the definition every backend follows; returns {p, m, v, vMax}. */
    public double[] apply(double p, double g, double m, double v, double vMax, boolean amsgrad) {
        if (weightDecay != 0) {
            if (decoupled) {
                p *= 1 - learningRate * weightDecay;
            } else {
                g += weightDecay * p;
            }
        }
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;
        if (amsgrad) {
            vMax = Math.max(vMax, v);
        }
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double denom = Math.sqrt(amsgrad ? vMax : v) / Math.sqrt(bias2) + eps;
        p -= learningRate / bias1 * m / denom;
        return new double[] {p, m, v, vMax};
    }
}
