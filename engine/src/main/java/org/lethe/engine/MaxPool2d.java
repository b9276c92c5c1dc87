package org.lethe.engine;

import org.lethe.kernels.PoolGeometry;

/**
 * Max pooling over NCHW windows. The forward pass records each window's first maximum; d/dx = g added
 * at those positions.
 */
final class MaxPool2d extends Function {
    private final PoolGeometry geometry;
    private final int[] inputShape;

    private MaxPool2d(PoolGeometry geometry, int[] inputShape) {
        this.geometry = geometry;
        this.inputShape = inputShape;
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
        Tensor out = Tensor.output(x.backend(), x.dtype(), g.images(), g.channels(), g.outH(), g.outW());
        Tensor indices = Tensor.output(x.backend(), x.dtype(), g.images(), g.channels(), g.outH(), g.outW());
        x.backend().maxPool2d(g, xc.view(), out.view(), indices.view());
        if (!needsGraph(xc)) {
            indices.storage().close();
            return out;
        }
        MaxPool2d fn = new MaxPool2d(g, x.shape());
        fn.save(indices);
        return fn.attach(out, xc);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor indices = saved(0);
        Tensor gi = Tensor.output(g.backend(), g.dtype(), inputShape);
        g.backend().maxPool2dBackward(geometry, indices.view(), g.contiguous().view(), gi.view());
        return new Tensor[] {gi};
    }
}
