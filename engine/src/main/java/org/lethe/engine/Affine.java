package org.lethe.engine;

import org.lethe.kernels.Backend;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;

/**
 * A linear layer's product {@code y = x W^T + b} for {@code x [M, in]}, {@code W [out, in]} and an
 * optional bias {@code [1, out]}, optionally followed by a ReLU, as one GEMM: the output starts as the
 * bias rows and the product is added to it (beta 1), where the composite (matmul, then a broadcast
 * add, then relu) zeroes the output, adds the product and makes two more passes over it.
 * d/dx = g W, d/dW = g^T x, d/db = g summed over rows (the autograd engine sums the {@code [M, out]}
 * gradient to the bias's {@code [1, out]}); with the ReLU, g is first zeroed where the output is 0, as
 * ReLU's own backward would.
 */
final class Affine extends Function {
    /** Fewer inputs than this, and at least as many outputs: the weight gradient is computed transposed. */
    private static final int NARROW = 32;

    private final boolean bias;
    private final boolean relu;

    private Affine(boolean bias, boolean relu) {
        this.bias = bias;
        this.relu = relu;
    }

    /** {@code x [M, in]}, {@code w [out, in]}, {@code b [1, out]} or null. */
    static Tensor apply(Tensor x, Tensor w, Tensor b, boolean relu) {
        Tensor xc = x.contiguous();
        Tensor wc = w.contiguous();
        Tensor bc = b == null ? null : b.contiguous();
        int m = xc.dim(0);
        int in = xc.dim(1);
        int out = wc.dim(0);
        Backend be = xc.backend();
        Tensor y = Tensor.output(be, xc.dtype(), m, out);
        if (bc != null) {
            be.copy(new View(bc.view().buffer(), bc.view().offset(), new int[] {m, out}, new int[] {0, 1}), y.view());
        }
        be.gemm(new View(xc.view().buffer(), xc.view().offset(), new int[] {1, m, in}, new int[] {0, in, 1}),
                new View(wc.view().buffer(), wc.view().offset(), new int[] {1, in, out}, new int[] {0, 1, in}),
                View.contiguous(y.view().buffer(), 0, 1, m, out), 1.0, bc == null ? 0.0 : 1.0);
        if (relu) {
            be.unary(UnaryOp.RELU, 0, y.view(), y.view());
        }
        if (!layerNeedsGraph(xc, wc, bc)) {
            return y;
        }
        return new Affine(bc != null, relu).attachLayer(y, xc, wc, bc, relu);
    }

    @Override
    Tensor[] backward(Tensor grad) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        Backend be = x.backend();
        Tensor g = beforeRelu(grad, relu, "linear relu backward");
        int m = x.dim(0);
        int in = x.dim(1);
        int out = w.dim(0);
        Tensor dx = null;
        Tensor dw = null;
        if (needsInputGrad(0)) {
            dx = Tensor.output(be, x.dtype(), m, in);
            be.gemm(View.contiguous(g.view().buffer(), g.view().offset(), 1, m, out),
                    View.contiguous(w.view().buffer(), w.view().offset(), 1, out, in),
                    View.contiguous(dx.view().buffer(), 0, 1, m, in), 1.0, 0.0);
        }
        if (needsInputGrad(1)) {
            dw = Tensor.output(be, w.dtype(), out, in);
            if (in < NARROW && out >= NARROW) {
                // few inputs (an LSTM's one feature): dW^T = x^T g, [in, M] x [M, out], is a wide product
                // that the GEMM splits across threads; dW = g^T x would be [out, M] x [M, in], a few columns
                Tensor t = Tensor.output(be, w.dtype(), in, out);
                be.gemm(new View(x.view().buffer(), x.view().offset(), new int[] {1, in, m}, new int[] {0, 1, in}),
                        View.contiguous(g.view().buffer(), g.view().offset(), 1, m, out),
                        View.contiguous(t.view().buffer(), 0, 1, in, out), 1.0, 0.0);
                be.copy(new View(t.view().buffer(), 0, new int[] {out, in}, new int[] {1, out}), dw.view());
                t.storage().close();
            } else {
                be.gemm(new View(g.view().buffer(), g.view().offset(), new int[] {1, out, m}, new int[] {0, 1, out}),
                        View.contiguous(x.view().buffer(), x.view().offset(), 1, m, in),
                        View.contiguous(dw.view().buffer(), 0, 1, out, in), 1.0, 0.0);
            }
        }
        return bias ? new Tensor[] {dx, dw, needsInputGrad(2) ? g : null} : new Tensor[] {dx, dw};
    }
}
