package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code x + s}. d/dx = g. */
final class AddScalar extends Function {
    static Tensor apply(Tensor x, double s) {
        Tensor out = Kernels.unary(UnaryOp.ADD_SCALAR, s, x);
        return needsGraph(x) ? new AddScalar().attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g};
    }
}
