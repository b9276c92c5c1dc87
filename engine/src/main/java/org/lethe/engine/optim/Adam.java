package org.lethe.engine.optim;

import java.util.List;
import org.lethe.engine.Tensor;

/**
 * Adam with PyTorch's semantics: {@code g += weightDecay * p} (L2, coupled);
 * {@code m = b1 m + (1-b1) g}; {@code v = b2 v + (1-b2) g^2};
 * {@code p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, eps added after the square
 * root; with AMSGrad the running maximum of {@code v} replaces {@code v} in the denominator.
 * {@link AdamW} is the decoupled-weight-decay variant.
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

    /** Weight decay applied to the gradient (Adam) or, overridden by {@link AdamW}, to the parameter. */
    protected Tensor decay(Tensor param, Tensor grad) {
        return weightDecay != 0 ? grad.add(param.mul(weightDecay)) : grad;
    }

    protected double weightDecay() {
        return weightDecay;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, int step) {
        Tensor g = decay(param, grad);
        if (m[index] == null) {
            m[index] = state(() -> Tensor.zerosLike(param));
            v[index] = state(() -> Tensor.zerosLike(param));
            if (amsgrad) {
                vMax[index] = state(() -> Tensor.zerosLike(param));
            }
        }
        Tensor mi = m[index].copyFrom(m[index].mul(beta1).add(g.mul(1 - beta1)));
        Tensor vi = v[index].copyFrom(v[index].mul(beta2).add(g.square().mul(1 - beta2)));
        if (amsgrad) {
            vi = vMax[index].copyFrom(vMax[index].maximum(vi));
        }
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        Tensor denom = vi.sqrt().div(Math.sqrt(bias2)).add(eps);
        param.copyFrom(param.sub(mi.div(denom).mul(learningRate() / bias1)));
    }
}
