package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code ln x}. d/dx = g/x. */
final class Log extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.LOG, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Log fn = new Log();
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(saved(0))};
    }
}
