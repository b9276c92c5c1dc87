package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/**
 * Elementwise {@code max(a, b)}, broadcast. d/da = g where a > b, d/db = g where b > a, and each
 * gets g/2 where they tie (PyTorch's convention).
 */
final class Maximum extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        Tensor out = Kernels.binary(BinaryOp.MAXIMUM, a, b, "maximum");
        if (!needsGraph(a, b)) {
            return out;
        }
        Maximum fn = new Maximum();
        fn.save(a, b);
        return fn.attach(out, a, b);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        Tensor half = a.eq(b).mul(0.5);
        return new Tensor[] {needsInputGrad(0) ? g.mul(a.gt(b).add(half)) : null,
            needsInputGrad(1) ? g.mul(b.gt(a).add(half)) : null};
    }
}
