package org.lethe.engine.optim;

import java.util.List;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;

/** Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
     * L2 norm of all gradients together; returns {@code total} (before clipping). Parameters without
     * a gradient are ignored. A non-finite total is returned as is and scales gradients to NaN, as
     * PyTorch does, so the caller's NaN guard sees it.
     */
    public static double clipByGlobalNorm(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clip_grad_norm: max norm must be positive, got " + maxNorm);
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            double sq = 0;
            for (Tensor p : params) {
                if (p.grad() != null) {
                    sq += p.grad().square().sum().item();
                }
            }
            double total = Math.sqrt(sq);
            double coef = Math.min(1.0, maxNorm / (total + 1e-6));
            if (!(coef >= 1.0)) {
                for (Tensor p : params) {
                    if (p.grad() != null) {
                        p.grad().mulInPlace(coef);
                    }
                }
            }
            return total;
        }
    }
}
