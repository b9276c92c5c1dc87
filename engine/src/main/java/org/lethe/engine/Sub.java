package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/** {@code a - b}, broadcast. d/da = g, d/db = -g. */
final class Sub extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        Tensor out = Kernels.binary(BinaryOp.SUB, a, b, "sub");
        return needsGraph(a, b) ? new Sub().attach(out, a, b) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g, needsInputGrad(1) ? g.neg() : null};
    }
}
