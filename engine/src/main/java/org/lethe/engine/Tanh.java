package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code t = tanh x}. d/dx = g*(1 - t^2). */
final class Tanh extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.TANH, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Tanh fn = new Tanh();
        fn.save(out.detach());
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).square().neg().add(1.0))};
    }
}
