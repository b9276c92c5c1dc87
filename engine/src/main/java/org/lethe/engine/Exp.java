package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code e^x}. d/dx = g*e^x (the saved output). */
final class Exp extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.EXP, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Exp fn = new Exp();
        fn.save(out.detach());
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0))};
    }
}
