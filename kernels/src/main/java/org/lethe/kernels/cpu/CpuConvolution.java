package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.View;

/** im2col and its adjoint col2im over contiguous NCHW images; parallel over (image, channel) planes. */
final class CpuConvolution {
    private CpuConvolution() {
    }

    static void checkShapes(String op, ConvGeometry g, View image, View cols) {
        int[] img = {g.images(), g.channels(), g.height(), g.width()};
        int[] col = {g.images(), g.patchSize(), g.outputSize()};
        if (!Arrays.equals(image.shape(), img) || !image.isContiguous()) {
            throw new IllegalArgumentException(op + ": image view must be contiguous " + Arrays.toString(img) + ", got " + image);
        }
        if (!Arrays.equals(cols.shape(), col) || !cols.isContiguous()) {
            throw new IllegalArgumentException(op + ": column view must be contiguous " + Arrays.toString(col) + ", got " + cols);
        }
    }

    /** First output column whose input column {@code x*stride - pad + k} is at least 0. */
    private static int firstValid(int pad, int k, int stride) {
        return Math.max(0, -Math.floorDiv(-(pad - k), stride));
    }

    /** One past the last output column whose input column is below {@code width}. */
    private static int endValid(int width, int pad, int k, int stride, int outW) {
        return Math.min(outW, Math.floorDiv(width - 1 + pad - k, stride) + 1);
    }

    static void im2col(CpuParallel parallel, ConvGeometry g, CpuBuffer in, View input, CpuBuffer out, View cols) {
        checkShapes("im2col", g, input, cols);
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        int patch = g.patchSize();
        int outSize = g.outputSize();
        parallel.forRange(g.images() * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int img = plane / c;
                int ch = plane % c;
                int inBase = input.offset() + plane * h * w;
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                        int colBase = cols.offset() + (img * patch + row) * outSize;
                        int x0 = firstValid(g.padW(), kw, g.strideW());
                        int x1 = endValid(w, g.padW(), kw, g.strideW(), ow);
                        for (int y = 0; y < oh; y++) {
                            int iy = y * g.strideH() - g.padH() + kh;
                            int rowOut = colBase + y * ow;
                            if (iy < 0 || iy >= h || x1 <= x0) {
                                out.zero(rowOut, ow);
                                continue;
                            }
                            out.zero(rowOut, x0);
                            out.zero(rowOut + x1, ow - x1);
                            in.gatherTo(inBase + iy * w + x0 * g.strideW() - g.padW() + kw, g.strideW(), out, rowOut + x0,
                                    x1 - x0);
                        }
                    }
                }
            }
        });
    }

    static void col2im(CpuParallel parallel, ConvGeometry g, CpuBuffer colsBuf, View cols, CpuBuffer gi, View gradInput) {
        checkShapes("col2im", g, gradInput, cols);
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        int patch = g.patchSize();
        int outSize = g.outputSize();
        parallel.forRange(g.images() * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int img = plane / c;
                int ch = plane % c;
                int inBase = gradInput.offset() + plane * h * w;
                gi.zero(inBase, h * w);
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                        int colBase = cols.offset() + (img * patch + row) * outSize;
                        int x0 = firstValid(g.padW(), kw, g.strideW());
                        int x1 = endValid(w, g.padW(), kw, g.strideW(), ow);
                        if (x1 <= x0) {
                            continue;
                        }
                        for (int y = 0; y < oh; y++) {
                            int iy = y * g.strideH() - g.padH() + kh;
                            if (iy >= 0 && iy < h) {
                                colsBuf.scatterAddTo(colBase + y * ow + x0, gi, inBase + iy * w + x0 * g.strideW() - g.padW() + kw,
                                        g.strideW(), x1 - x0);
                            }
                        }
                    }
                }
            }
        });
    }
}
