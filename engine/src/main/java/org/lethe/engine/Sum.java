package org.lethe.engine;

import org.lethe.kernels.ReduceOp;

/** Sum over masked axes, kept as size 1. d/dx = g broadcast back over the summed axes. */
final class Sum extends Function {
    private final int[] inputShape;

    private Sum(int[] inputShape) {
        this.inputShape = inputShape;
    }

    static Tensor apply(Tensor x, boolean[] mask) {
        Tensor out = Kernels.reduce(ReduceOp.SUM, x, mask);
        return needsGraph(x) ? new Sum(x.shape()).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.expand(inputShape)};
    }
}
