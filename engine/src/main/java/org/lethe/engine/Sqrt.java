package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code sqrt x}. d/dx = g / (2 sqrt x). */
final class Sqrt extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.SQRT, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Sqrt fn = new Sqrt();
        fn.save(out.detach());
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(saved(0).mul(2.0))};
    }
}
