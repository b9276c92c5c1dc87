package org.lethe.engine.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;

/**
 * Updates leaf tensors from their accumulated gradients. {@link #step()} runs with grad mode off and
 * skips parameters that have no gradient (as PyTorch does with {@code grad = None}); state such as
 * momentum buffers is created on first use, outside any {@link TensorScope}, so it outlives a step.
 */
public abstract class Optimizer {
    private final List<Tensor> params;
    private final int[] stepsPerParam;
    private double learningRate;

    protected Optimizer(List<Tensor> params, double learningRate) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        }
        for (Tensor p : params) {
            if (!p.isLeaf() || !p.requiresGrad()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + p
                        + " must be a leaf tensor that requires grad");
            }
        }
        checkNonNegative("learning rate", learningRate);
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.stepsPerParam = new int[params.size()];
        this.learningRate = learningRate;
    }

    static void checkNonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite non-negative number, got " + v);
        }
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate used by the following steps (schedulers call this). */
    public void setLearningRate(double lr) {
        checkNonNegative("learning rate", lr);
        this.learningRate = lr;
    }

    public List<Tensor> parameters() {
        return params;
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() != null) {
                    stepsPerParam[i]++;
                    update(i, p, p.grad(), stepsPerParam[i]);
                }
            }
        }
    }

    /**
     * Updates parameter {@code index} in place given its gradient; {@code step} counts this
     * parameter's updates from 1. Runs with grad mode off.
     */
    protected abstract void update(int index, Tensor param, Tensor grad, int step);

    /** Forgets every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** Creates optimiser state so that it is not released by an enclosing {@link TensorScope}. */
    protected static Tensor state(Supplier<Tensor> init) {
        return TensorScope.detached(init);
    }
}
