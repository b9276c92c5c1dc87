package org.lethe.models.train;

import org.lethe.engine.Functional;
import org.lethe.engine.Reduction;
import org.lethe.engine.Tensor;

/** The task loss (the paper uses L1 for the image task and MSE for the text task). */
public enum Loss {
    L1, MSE, HUBER;

    public Tensor apply(Tensor prediction, Tensor target, Reduction reduction) {
        switch (this) {
            case L1: return Functional.l1Loss(prediction, target, reduction);
            case MSE: return Functional.mseLoss(prediction, target, reduction);
            default: return Functional.huberLoss(prediction, target, 1.0, reduction);
        }
    }

    public Tensor apply(Tensor prediction, Tensor target) {
        return apply(prediction, target, Reduction.MEAN);
    }

    /** Parses {@code l1}, {@code mse} or {@code huber}. */
    public static Loss parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown loss " + org.lethe.models.Messages.quote(s) + "; use l1, mse or huber");
        }
    }
}
