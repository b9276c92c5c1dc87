package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/** {@code a / b}, broadcast. d/da = g/b, d/db = -g*a/b^2. */
final class Div extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        Tensor out = Kernels.binary(BinaryOp.DIV, a, b, "div");
        if (!needsGraph(a, b)) {
            return out;
        }
        Div fn = new Div();
        fn.save(a, b);
        return fn.attach(out, a, b);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        return new Tensor[] {needsInputGrad(0) ? g.div(b) : null,
            needsInputGrad(1) ? g.mul(a).div(b.square()).neg() : null};
    }
}
