package org.lethe.engine;

import org.lethe.kernels.Backend;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.View;

/**
 * 2-D cross-correlation of {@code x [N,C,H,W]} with {@code w [OC,C,KH,KW]} plus an optional bias
 * (see {@link Functional#conv2d}) through the backend's convolution primitives, which add the bias
 * as they write the output: d/dx = col2im(w^T @ g), d/dw = sum over images of g @ im2col(x)^T (the
 * lowered columns are recomputed in backward rather than kept), d/dbias = g summed over images and
 * pixels. With a fused ReLU ({@link Functional#conv2dRelu}) the output is kept and g is first zeroed
 * where it is 0, as ReLU's own backward would.
 */
final class Conv2d extends Function {
    private final ConvGeometry geometry;
    private final boolean bias;
    private final boolean relu;

    private Conv2d(ConvGeometry geometry, boolean bias, boolean relu) {
        this.geometry = geometry;
        this.bias = bias;
        this.relu = relu;
    }

    /**
     * The convolution of {@code x} with {@code w} plus {@code bias} ({@code [OC]}, or null for none),
     * followed by a ReLU if {@code relu}.
     */
    static Tensor apply(Tensor x, Tensor w, Tensor bias, boolean relu, int strideH, int strideW, int padH, int padW) {
        Kernels.checkCompatible("conv2d", x, w);
        if (x.rank() != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N,C,H,W], got " + Shapes.str(x.shape()));
        }
        if (w.rank() != 4) {
            throw new IllegalArgumentException("conv2d: weight must be [out,in,kH,kW], got " + Shapes.str(w.shape()));
        }
        if (x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(x.shape()) + " has " + x.dim(1)
                    + " channels but weight " + Shapes.str(w.shape()) + " expects " + w.dim(1));
        }
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride " + strideH + "x" + strideW + " must be positive and padding "
                    + padH + "x" + padW + " non-negative");
        }
        if (x.dim(2) + 2 * padH < w.dim(2) || x.dim(3) + 2 * padW < w.dim(3)) {
            throw new IllegalArgumentException("conv2d: kernel " + w.dim(2) + "x" + w.dim(3) + " is larger than the padded "
                    + "input " + (x.dim(2) + 2 * padH) + "x" + (x.dim(3) + 2 * padW) + " of " + Shapes.str(x.shape()));
        }
        if (bias != null) {
            Kernels.checkCompatible("conv2d", x, bias);
            if (bias.rank() != 1 || bias.dim(0) != w.dim(0)) {
                throw new IllegalArgumentException("conv2d: bias " + Shapes.str(bias.shape()) + " does not match "
                        + w.dim(0) + " output channels");
            }
        }
        Tensor xc = x.contiguous();
        Tensor wc = w.contiguous();
        // the bias enters the graph as [1,OC,1,1], so that its gradient is the output's summed to that shape
        Tensor bc = bias == null ? null : bias.contiguous().reshape(1, -1, 1, 1);
        ConvGeometry g = new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), strideH, strideW,
                padH, padW);
        Tensor out = Tensor.output(x.backend(), x.dtype(), g.images(), w.dim(0), g.outH(), g.outW());
        View bv = bc == null ? null : View.contiguous(bc.view().buffer(), bc.view().offset(), w.dim(0));
        x.backend().conv2d(g, xc.view(), wc.view(), bv, relu, out.view());
        if (!layerNeedsGraph(xc, wc, bc)) {
            return out;
        }
        return new Conv2d(g, bc != null, relu).attachLayer(out, xc, wc, bc, relu);
    }

    @Override
    Tensor[] backward(Tensor grad) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        Backend be = x.backend();
        Tensor gc = beforeRelu(grad, relu, "conv2d relu backward");
        Tensor dx = null;
        Tensor dw = null;
        if (needsInputGrad(0)) {
            dx = Tensor.output(be, x.dtype(), x.shape());
            be.conv2dBackwardInput(geometry, w.view(), gc.view(), dx.view());
        }
        if (needsInputGrad(1)) {
            dw = Tensor.output(be, w.dtype(), w.shape());
            be.conv2dBackwardWeight(geometry, x.view(), gc.view(), dw.view());
        }
        return bias ? new Tensor[] {dx, dw, needsInputGrad(2) ? gc : null} : new Tensor[] {dx, dw};
    }
}
