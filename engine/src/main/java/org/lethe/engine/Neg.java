package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code -x}. d/dx = -g. */
final class Neg extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.NEG, 0, x);
        return needsGraph(x) ? new Neg().attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.neg()};
    }
}
