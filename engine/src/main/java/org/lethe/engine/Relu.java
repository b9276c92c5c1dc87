package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code max(x, 0)}. d/dx = g where x > 0, else 0. */
final class Relu extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.RELU, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Relu fn = new Relu();
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(Kernels.unary(UnaryOp.HEAVISIDE, 0, saved(0)))};
    }
}
