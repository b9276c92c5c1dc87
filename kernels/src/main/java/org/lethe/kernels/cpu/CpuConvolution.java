package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.Checks;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.View;

/** im2col and its adjoint col2im over contiguous NCHW images; parallel over (image, channel) planes. */
final class CpuConvolution {
    private CpuConvolution() {
    }


    /** Where row {@code row} of image {@code img} starts in the (contiguous) column view. */
    private static int colStart(View cols, int img, int row) {
        return cols.offset() + (img * cols.shape()[1] + row) * cols.shape()[2];
    }

    /** First output column (or row) whose input column {@code x*stride - pad + k} is at least 0. */
    private static int firstValid(int pad, int k, int stride) {
        return Math.max(0, -Math.floorDiv(-(pad - k), stride));
    }

    /** One past the last output column whose input column is below {@code width}. */
    private static int endValid(int width, int pad, int k, int stride, int outW) {
        return Math.min(outW, Math.floorDiv(width - 1 + pad - k, stride) + 1);
    }

    static void im2col(CpuParallel parallel, ConvGeometry g, CpuBuffer in, View input, CpuBuffer out, View cols) {
        Checks.convolution("im2col", g, input, cols);
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        if (in instanceof CpuBuffer.F32 fi && out instanceof CpuBuffer.F32 fo && g.strideW() == 1) {
            parallel.forRange(g.images() * c, 1, (lo, hi) -> im2colUnitStride(g, fi.data(), input.offset(), fo.data(),
                    cols, lo, hi));
            return;
        }
        parallel.forRange(g.images() * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int img = plane / c;
                int ch = plane % c;
                int inBase = input.offset() + plane * h * w;
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                        int colBase = colStart(cols, img, row);
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
        Checks.convolution("col2im", g, gradInput, cols);
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        if (colsBuf instanceof CpuBuffer.F32 fc && gi instanceof CpuBuffer.F32 fg && g.strideW() == 1) {
            parallel.forRange(g.images() * c, 1, (lo, hi) -> col2imUnitStride(g, fc.data(), cols, fg.data(),
                    gradInput.offset(), lo, hi));
            return;
        }
        parallel.forRange(g.images() * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int img = plane / c;
                int ch = plane % c;
                int inBase = gradInput.offset() + plane * h * w;
                gi.zero(inBase, h * w);
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                        int colBase = colStart(cols, img, row);
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

    /**
     * im2col for float32 with a horizontal stride of 1: the same values as the generic loop, with the
     * row copies and edge zeros written inline (rows are short, 14 to 28 values, so per-row calls and
     * bounds checks would cost more than the copying).
     */
    static void im2colUnitStride(ConvGeometry g, float[] x, int xOff, float[] cols, View cv, int lo, int hi) {
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        for (int plane = lo; plane < hi; plane++) {
            int img = plane / c;
            int ch = plane % c;
            int inBase = xOff + plane * h * w;
            for (int kh = 0; kh < g.kernelH(); kh++) {
                int y0 = firstValid(g.padH(), kh, g.strideH());
                int y1 = endValid(h, g.padH(), kh, g.strideH(), oh);
                for (int kw = 0; kw < g.kernelW(); kw++) {
                    int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                    int colBase = colStart(cv, img, row);
                    int x0 = Math.min(firstValid(g.padW(), kw, 1), ow);
                    int x1 = Math.max(x0, endValid(w, g.padW(), kw, 1, ow));
                    int shift = kw - g.padW();
                    for (int y = 0; y < oh; y++) {
                        int o = colBase + y * ow;
                        if (y < y0 || y >= y1) {
                            for (int i = 0; i < ow; i++) {
                                cols[o + i] = 0f;
                            }
                            continue;
                        }
                        int src = inBase + (y * g.strideH() - g.padH() + kh) * w + shift;
                        for (int i = 0; i < x0; i++) {
                            cols[o + i] = 0f;
                        }
                        for (int i = x0; i < x1; i++) {
                            cols[o + i] = x[src + i];
                        }
                        for (int i = x1; i < ow; i++) {
                            cols[o + i] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** col2im for float32 with a horizontal stride of 1; the same sums in the same order as the generic loop. */
    static void col2imUnitStride(ConvGeometry g, float[] cols, View cv, float[] dx, int dOff, int lo, int hi) {
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int oh = g.outH();
        int ow = g.outW();
        for (int plane = lo; plane < hi; plane++) {
            int img = plane / c;
            int ch = plane % c;
            int inBase = dOff + plane * h * w;
            java.util.Arrays.fill(dx, inBase, inBase + h * w, 0f);
            for (int kh = 0; kh < g.kernelH(); kh++) {
                int y0 = firstValid(g.padH(), kh, g.strideH());
                int y1 = endValid(h, g.padH(), kh, g.strideH(), oh);
                for (int kw = 0; kw < g.kernelW(); kw++) {
                    int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                    int colBase = colStart(cv, img, row);
                    int x0 = firstValid(g.padW(), kw, 1);
                    int x1 = endValid(w, g.padW(), kw, 1, ow);
                    int shift = kw - g.padW();
                    for (int y = y0; y < y1; y++) {
                        int src = colBase + y * ow;
                        int dst = inBase + (y * g.strideH() - g.padH() + kh) * w + shift;
                        for (int i = x0; i < x1; i++) {
                            dx[dst + i] += cols[src + i];
                        }
                    }
                }
            }
        }
    }
}
