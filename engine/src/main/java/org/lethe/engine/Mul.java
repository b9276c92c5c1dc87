package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/** {@code a * b}, broadcast. d/da = g*b, d/db = g*a. */
final class Mul extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        Tensor out = Kernels.binary(BinaryOp.MUL, a, b, "mul");
        if (!needsGraph(a, b)) {
            return out;
        }
        Mul fn = new Mul();
        fn.save(a, b);
        return fn.attach(out, a, b);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {needsInputGrad(0) ? g.mul(saved(1)) : null, needsInputGrad(1) ? g.mul(saved(0)) : null};
    }
}
