package org.lethe.engine;

import org.lethe.kernels.PoolGeometry;

/** Max pooling over NCHW windows. d/dx = g routed to each window's first maximum. */
final class MaxPool2d extends Function {
    private final PoolGeometry geometry;

    private MaxPool2d(PoolGeometry geometry) {
        this.geometry = geometry;
    }

    static PoolGeometry geometry(String op, Tensor x, int kh, int kw, int sh, int sw, int ph, int pw) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be [N,C,H,W], got " + Shapes.str(x.shape()));
        }
        try {
            return new PoolGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kh, kw, sh, sw, ph, pw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage().replaceFirst("^pool geometry: ", "") + " for input "
                    + Shapes.str(x.shape()));
        }
    }

    static Tensor apply(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw) {
        PoolGeometry g = geometry("max_pool2d", x, kh, kw, sh, sw, ph, pw);
        Tensor xc = x.contiguous();
        Tensor out = Tensor.empty(x.backend(), x.dtype(), g.images(), g.channels(), g.outH(), g.outW());
        x.backend().maxPool2d(g, xc.view(), out.view());
        if (!needsGraph(xc)) {
            return out;
        }
        MaxPool2d fn = new MaxPool2d(g);
        fn.save(xc);
        return fn.attach(out, xc);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor gi = Tensor.empty(x.backend(), x.dtype(), x.shape());
        x.backend().maxPool2dBackward(geometry, x.view(), g.contiguous().view(), gi.view());
        return new Tensor[] {gi};
    }
}
