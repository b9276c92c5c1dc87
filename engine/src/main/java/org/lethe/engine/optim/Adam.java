package org.lethe.engine.optim;

import java.util.List;
import org.lethe.engine.FusedUpdates;
import org.lethe.engine.Tensor;
import org.lethe.kernels.AdamStep;

/**
 * Adam with PyTorch's semantics: {@code g += weightDecay * p} (L2, coupled);
 * {@code m = b1 m + (1-b1) g}; {@code v = b2 v + (1-b2) g^2};
 * {@code p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, eps added after the square
 * root; with AMSGrad the running maximum of {@code v} replaces {@code v} in the denominator.
 * {@link AdamW} is the decoupled-weight-decay variant. Each parameter is updated by one fused backend
 * kernel ({@link FusedUpdates#adam}), tested equal to the composite of tensor operations.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;
    private final Tensor[] m;
    private final Tensor[] v;
    private final Tensor[] vMax;

    /** Adam with the default betas (0.9, 0.999), eps 1e-8 and no weight decay. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        checkNonNegative("eps", eps);
        checkNonNegative("weight decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.m = new Tensor[params.size()];
        this.v = new Tensor[params.size()];
        this.vMax = new Tensor[params.size()];
    }

    /** Whether weight decay is decoupled from the gradient (AdamW). */
    protected boolean decoupled() {
        return false;
    }

    protected double weightDecay() {
        return weightDecay;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, int step) {
        if (m[index] == null) {
            m[index] = state(() -> Tensor.zerosLike(param));
            v[index] = state(() -> Tensor.zerosLike(param));
            if (amsgrad) {
                vMax[index] = state(() -> Tensor.zerosLike(param));
            }
        }
        FusedUpdates.adam(new AdamStep(learningRate(), beta1, beta2, eps, weightDecay, decoupled(), step), param, grad,
                m[index], v[index], vMax[index]);
    }
}
