package org.lethe.unlearning.metrics;

/**
 * The loss-threshold membership attack (Yeom et al. 2018): a row whose loss is low is called a
 * member. The score is the negated per-row L1 loss; the ROC ({@link Roc}) is taken over members
 * (retain training rows, the same seeded sample as the paper's attack) against non-members (test
 * rows). Reported: the ROC AUC, the TPR at 1% and at 0.1% FPR, and the fraction of forget rows whose
 * loss is at or below the loss threshold that gives 1% FPR on this ROC (the forget rows the attack
 * would flag at that operating point). Retrain's values are the target.
 */
public final class LossThreshold {
    /** The operating points reported. */
    public static final double FPR_1 = 0.01;
    public static final double FPR_01 = 0.001;

    /**
     * @param lossThreshold the loss at or below which a row is flagged at 1% FPR (-infinity when no
     *                      finite threshold keeps the FPR within 1%)
     */
    public record Result(double auc, double tprAt1, double tprAt01, double forgetFlaggedAt1, double lossThreshold,
                         Roc roc) {
    }

    private LossThreshold() {
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    public static Result attack(double[] memberLosses, double[] nonMemberLosses, double[] forgetLosses) {
        Roc roc = Roc.of(negate(memberLosses), negate(nonMemberLosses));
        double t = roc.thresholdAtFpr(FPR_1);
        return new Result(roc.auc(), roc.tprAtFpr(FPR_1), roc.tprAtFpr(FPR_01),
                Roc.fractionFlagged(negate(forgetLosses), t), -t, roc);
    }
}
