package org.lethe.engine;

import org.lethe.kernels.UnaryOp;

/** {@code min(max(x, lo), hi)}. d/dx = g where lo <= x <= hi, else 0 (PyTorch's convention at the bounds). */
final class Clamp extends Function {
    private final double lo;
    private final double hi;

    private Clamp(double lo, double hi) {
        this.lo = lo;
        this.hi = hi;
    }

    static Tensor apply(Tensor x, double lo, double hi) {
        Tensor out = x;
        if (lo != Double.NEGATIVE_INFINITY) {
            out = Kernels.unary(UnaryOp.CLAMP_MIN, lo, out);
        }
        if (hi != Double.POSITIVE_INFINITY || out == x) {
            out = Kernels.unary(UnaryOp.CLAMP_MAX, hi, out);
        }
        if (!needsGraph(x)) {
            return out;
        }
        Clamp fn = new Clamp(lo, hi);
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor pass = null;
        if (lo != Double.NEGATIVE_INFINITY) {
            pass = x.ge(lo);
        }
        if (hi != Double.POSITIVE_INFINITY) {
            pass = pass == null ? x.le(hi) : pass.mul(x.le(hi));
        }
        return new Tensor[] {pass == null ? g : g.mul(pass)};
    }
}
