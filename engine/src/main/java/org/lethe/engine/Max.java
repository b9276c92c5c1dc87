package org.lethe.engine;

import org.lethe.kernels.ReduceOp;

/**
 * Largest element over masked axes, kept as size 1. d/dx = g / t on the t elements equal to the
 * maximum, 0 elsewhere (ties share the gradient, as PyTorch's amax).
 */
final class Max extends Function {
    private final int[] axes;

    private Max(int[] axes) {
        this.axes = axes;
    }

    static Tensor apply(Tensor x, boolean[] mask) {
        Tensor out = Kernels.reduce(ReduceOp.MAX, x, mask);
        if (!needsGraph(x)) {
            return out;
        }
        int n = 0;
        for (boolean m : mask) {
            n += m ? 1 : 0;
        }
        int[] axes = new int[n];
        for (int d = 0, k = 0; d < mask.length; d++) {
            if (mask[d]) {
                axes[k++] = d;
            }
        }
        Max fn = new Max(axes);
        fn.save(x, out.detach());
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor hit = saved(0).eq(saved(1));
        Tensor ties = hit.sum(axes, true);
        return new Tensor[] {g.mul(hit).div(ties)};
    }
}
