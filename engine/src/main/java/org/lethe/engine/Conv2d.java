package org.lethe.engine;

import org.lethe.kernels.Backend;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.View;

/**
 * 2-D cross-correlation of {@code x [N,C,H,W]} with {@code w [OC,C,KH,KW]} (no bias; see
 * {@link Functional#conv2d}), lowered per chunk of images to im2col and one batched GEMM.
 * d/dx = col2im(w^T @ g), d/dw = sum over images of g @ cols^T. The lowered columns are recomputed
 * in backward rather than kept, and a chunk's columns are capped at {@value #COLS_LIMIT} elements,
 * so memory stays bounded for large batches.
 */
final class Conv2d extends Function {
    static final int COLS_LIMIT = 1 << 24;
    private final ConvGeometry geometry;

    private Conv2d(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    static Tensor apply(Tensor x, Tensor w, int strideH, int strideW, int padH, int padW) {
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
        Tensor xc = x.contiguous();
        Tensor wc = w.contiguous();
        ConvGeometry g = new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), strideH, strideW,
                padH, padW);
        int oc = w.dim(0);
        Tensor out = Tensor.output(x.backend(), x.dtype(), g.images(), oc, g.outH(), g.outW());
        Backend be = x.backend();
        int patch = g.patchSize();
        int outSize = g.outputSize();
        int chunk = chunk(g);
        Tensor cols = Tensor.output(be, x.dtype(), chunk * patch * outSize);
        View xv = xc.view();
        View wv = wc.view();
        for (int n0 = 0; n0 < g.images(); n0 += chunk) {
            int nc = Math.min(chunk, g.images() - n0);
            View colsV = View.contiguous(cols.view().buffer(), 0, nc, patch, outSize);
            be.im2col(g.withImages(nc), View.contiguous(xv.buffer(), xv.offset() + n0 * g.channels() * g.height() * g.width(),
                    nc, g.channels(), g.height(), g.width()), colsV);
            be.gemm(new View(wv.buffer(), wv.offset(), new int[] {nc, oc, patch}, new int[] {0, patch, 1}), colsV,
                    View.contiguous(out.view().buffer(), n0 * oc * outSize, nc, oc, outSize), 1.0, 0.0);
        }
        cols.storage().close();
        if (!needsGraph(xc, wc)) {
            return out;
        }
        Conv2d fn = new Conv2d(g);
        fn.save(xc, wc);
        return fn.attach(out, xc, wc);
    }

    private static int chunk(ConvGeometry g) {
        long perImage = (long) g.patchSize() * g.outputSize();
        return (int) Math.max(1, Math.min(Math.max(g.images(), 1), COLS_LIMIT / Math.max(1, perImage)));
    }

    @Override
    Tensor[] backward(Tensor grad) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        ConvGeometry g = geometry;
        Backend be = x.backend();
        Tensor gc = grad.contiguous();
        int oc = w.dim(0);
        int patch = g.patchSize();
        int outSize = g.outputSize();
        int chunk = chunk(g);
        View xv = x.view();
        View wv = w.view();
        View gv = gc.view();
        Tensor cols = Tensor.output(be, x.dtype(), chunk * patch * outSize);
        Tensor dx = needsInputGrad(0) ? Tensor.output(be, x.dtype(), x.shape()) : null;
        Tensor dw = needsInputGrad(1) ? Tensor.empty(be, w.dtype(), w.shape()) : null;
        int imageSize = g.channels() * g.height() * g.width();
        for (int n0 = 0; n0 < g.images(); n0 += chunk) {
            int nc = Math.min(chunk, g.images() - n0);
            View colsV = View.contiguous(cols.view().buffer(), 0, nc, patch, outSize);
            View gChunk = View.contiguous(gv.buffer(), gv.offset() + n0 * oc * outSize, nc, oc, outSize);
            if (dw != null) {
                be.im2col(g.withImages(nc), View.contiguous(xv.buffer(), xv.offset() + n0 * imageSize, nc, g.channels(),
                        g.height(), g.width()), colsV);
                View colsT = new View(colsV.buffer(), 0, new int[] {nc, outSize, patch}, new int[] {patch * outSize, 1, outSize});
                View dwV = new View(dw.view().buffer(), 0, new int[] {nc, oc, patch}, new int[] {0, patch, 1});
                be.gemm(gChunk, colsT, dwV, 1.0, n0 == 0 ? 0.0 : 1.0);
            }
            if (dx != null) {
                View wT = new View(wv.buffer(), wv.offset(), new int[] {nc, patch, oc}, new int[] {0, 1, patch});
                be.gemm(wT, gChunk, colsV, 1.0, 0.0);
                be.col2im(g.withImages(nc), colsV, View.contiguous(dx.view().buffer(), n0 * imageSize, nc, g.channels(),
                        g.height(), g.width()));
            }
        }
        cols.storage().close();
        return new Tensor[] {dx, dw};
    }
}
