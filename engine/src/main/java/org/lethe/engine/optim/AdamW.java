package org.lethe.engine.optim;

import java.util.List;
import org.lethe.engine.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's AdamW: first
 * {@code p *= 1 - lr * weightDecay}, then the Adam update without L2 on the gradient. Default
 * weight decay 0.01.
 */
public final class AdamW extends Adam {

    /** AdamW with betas (0.9, 0.999), eps 1e-8 and weight decay 0.01. */
    public AdamW(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    @Override
    protected boolean decoupled() {
        return true;
    }
}
