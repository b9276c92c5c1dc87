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
                        for (int y = 0; y < oh; y++) {
                            int iy = y * g.strideH() - g.padH() + kh;
                            for (int x = 0; x < ow; x++) {
                                int ix = x * g.strideW() - g.padW() + kw;
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                out.set(colBase + y * ow + x, inside ? in.get(inBase + iy * w + ix) : 0.0);
                            }
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
                for (int i = 0; i < h * w; i++) {
                    gi.set(inBase + i, 0.0);
                }
                for (int kh = 0; kh < g.kernelH(); kh++) {
                    for (int kw = 0; kw < g.kernelW(); kw++) {
                        int row = (ch * g.kernelH() + kh) * g.kernelW() + kw;
                        int colBase = cols.offset() + (img * patch + row) * outSize;
                        for (int y = 0; y < oh; y++) {
                            int iy = y * g.strideH() - g.padH() + kh;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int x = 0; x < ow; x++) {
                                int ix = x * g.strideW() - g.padW() + kw;
                                if (ix >= 0 && ix < w) {
                                    int o = inBase + iy * w + ix;
                                    gi.set(o, gi.get(o) + colsBuf.get(colBase + y * ow + x));
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
