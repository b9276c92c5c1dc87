package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/**
 * {@code s = 1 / (1 + e^-x)}. d/dx = g*s*(1-s). A primitive rather than a composite of exp and div
 * because the composite's derivative overflows to NaN for large negative x.
 */
final class Sigmoid extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.SIGMOID, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Sigmoid fn = new Sigmoid();
        fn.save(out.detach());
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor s = saved(0);
        return new Tensor[] {g.mul(s.mul(s.neg().add(1.0)))};
    }
}
