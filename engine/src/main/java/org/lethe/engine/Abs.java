package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code |x|}. d/dx = g*sign(x), 0 at x = 0 (as PyTorch). */
final class Abs extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.ABS, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Abs fn = new Abs();
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(Kernels.unary(UnaryOp.SIGN, 0, saved(0)))};
    }
}
