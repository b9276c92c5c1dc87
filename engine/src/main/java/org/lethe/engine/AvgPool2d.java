package org.lethe.engine;

import org.lethe.kernels.PoolGeometry;

/** Average pooling over NCHW windows, padding counted in the divisor. d/dx = g spread evenly over each window. */
final class AvgPool2d extends Function {
    private final PoolGeometry geometry;
    private final int[] inputShape;

    private AvgPool2d(PoolGeometry geometry, int[] inputShape) {
        this.geometry = geometry;
        this.inputShape = inputShape;
    }

    static Tensor apply(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw) {
        PoolGeometry g = MaxPool2d.geometry("avg_pool2d", x, kh, kw, sh, sw, ph, pw);
        Tensor xc = x.contiguous();
        Tensor out = Tensor.output(x.backend(), x.dtype(), g.images(), g.channels(), g.outH(), g.outW());
        x.backend().avgPool2d(g, xc.view(), out.view());
        return needsGraph(xc) ? new AvgPool2d(g, x.shape()).attach(out, xc) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor gi = Tensor.output(g.backend(), g.dtype(), inputShape);
        g.backend().avgPool2dBackward(geometry, g.contiguous().view(), gi.view());
        return new Tensor[] {gi};
    }
}
