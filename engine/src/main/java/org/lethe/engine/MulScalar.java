package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code x * s}. d/dx = g*s. */
final class MulScalar extends Function {
    private final double s;

    private MulScalar(double s) {
        this.s = s;
    }

    static Tensor apply(Tensor x, double s) {
        Tensor out = Kernels.unary(UnaryOp.MUL_SCALAR, s, x);
        return needsGraph(x) ? new MulScalar(s).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(s)};
    }
}
