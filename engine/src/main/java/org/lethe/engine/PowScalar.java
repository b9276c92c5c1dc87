package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code x ^ p} for a constant p. d/dx = g*p*x^(p-1). */
final class PowScalar extends Function {
    private final double p;

    private PowScalar(double p) {
        this.p = p;
    }

    static Tensor apply(Tensor x, double p) {
        Tensor out = Kernels.unary(UnaryOp.POW_SCALAR, p, x);
        if (!needsGraph(x)) {
            return out;
        }
        PowScalar fn = new PowScalar(p);
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor d = p == 2.0 ? x.mul(2.0) : x.pow(p - 1.0).mul(p);
        return new Tensor[] {g.mul(d)};
    }
}
