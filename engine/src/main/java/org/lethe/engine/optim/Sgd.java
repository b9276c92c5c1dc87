package org.lethe.engine.optim;

import java.util.List;
import org.lethe.engine.Tensor;

/**
 * Stochastic gradient descent with PyTorch's semantics: {@code g += weightDecay * p}; with momentum,
 * {@code buf = g} on the first step, then {@code buf = momentum * buf + (1 - dampening) * g}, and
 * {@code g = g + momentum * buf} (Nesterov) or {@code g = buf}; finally {@code p -= lr * g}.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;

    /** Plain SGD. */
    public Sgd(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    public Sgd(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(params, lr);
        checkNonNegative("momentum", momentum);
        checkNonNegative("weight decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = new Tensor[params.size()];
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, int step) {
        Tensor g = weightDecay != 0 ? grad.add(param.mul(weightDecay)) : grad;
        if (momentum != 0) {
            Tensor buf = buffers[index];
            if (buf == null) {
                Tensor first = g;
                buf = state(first::copy);
                buffers[index] = buf;
            } else {
                buf.copyFrom(buf.mul(momentum).add(g.mul(1 - dampening)));
            }
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        param.copyFrom(param.sub(g.mul(learningRate())));
    }
}
