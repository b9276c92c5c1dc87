package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.View;

/** Max and average pooling with PyTorch's window rules; parallel over (image, channel) planes. */
final class CpuPooling {
    private CpuPooling() {
    }

    private static void check(String op, PoolGeometry g, View input, View output) {
        int[] in = {g.images(), g.channels(), g.height(), g.width()};
        int[] out = {g.images(), g.channels(), g.outH(), g.outW()};
        if (!Arrays.equals(input.shape(), in) || !input.isContiguous()) {
            throw new IllegalArgumentException(op + ": input view must be contiguous " + Arrays.toString(in) + ", got " + input);
        }
        if (!Arrays.equals(output.shape(), out) || !output.isContiguous()) {
            throw new IllegalArgumentException(op + ": output view must be contiguous " + Arrays.toString(out) + ", got " + output);
        }
    }

    /** Offset within the input plane of the first maximum of the window at (y, x). */
    private static int argmax(PoolGeometry g, CpuBuffer in, int base, int y, int x) {
        int h0 = y * g.strideH() - g.padH();
        int w0 = x * g.strideW() - g.padW();
        int h1 = Math.min(h0 + g.kernelH(), g.height());
        int w1 = Math.min(w0 + g.kernelW(), g.width());
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        int best = h0 * g.width() + w0;
        double max = Double.NEGATIVE_INFINITY;
        for (int iy = h0; iy < h1; iy++) {
            for (int ix = w0; ix < w1; ix++) {
                double v = in.get(base + iy * g.width() + ix);
                if (v > max || Double.isNaN(v)) {
                    max = v;
                    best = iy * g.width() + ix;
                    if (Double.isNaN(v)) {
                        return best;
                    }
                }
            }
        }
        return best;
    }

    /** {@link #argmax} for float storage, without virtual calls. */
    private static int argmaxF32(PoolGeometry g, float[] in, int base, int y, int x) {
        int h0 = y * g.strideH() - g.padH();
        int w0 = x * g.strideW() - g.padW();
        int h1 = Math.min(h0 + g.kernelH(), g.height());
        int w1 = Math.min(w0 + g.kernelW(), g.width());
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        int best = h0 * g.width() + w0;
        float max = Float.NEGATIVE_INFINITY;
        for (int iy = h0; iy < h1; iy++) {
            for (int ix = w0; ix < w1; ix++) {
                float v = in[base + iy * g.width() + ix];
                if (v > max || v != v) {
                    max = v;
                    best = iy * g.width() + ix;
                    if (v != v) {
                        return best;
                    }
                }
            }
        }
        return best;
    }

    static void maxForward(CpuParallel parallel, PoolGeometry g, CpuBuffer in, View input, CpuBuffer out, View output) {
        check("max_pool2d", g, input, output);
        if (in instanceof CpuBuffer.F32 fi && out instanceof CpuBuffer.F32 fo) {
            float[] x = fi.data();
            float[] yv = fo.data();
            int plane = g.height() * g.width();
            int outPlane = g.outH() * g.outW();
            parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
                for (int p = lo; p < hi; p++) {
                    int base = input.offset() + p * plane;
                    int ob = output.offset() + p * outPlane;
                    for (int y = 0; y < g.outH(); y++) {
                        for (int xx = 0; xx < g.outW(); xx++) {
                            yv[ob + y * g.outW() + xx] = x[base + argmaxF32(g, x, base, y, xx)];
                        }
                    }
                }
            });
            return;
        }
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int base = input.offset() + p * plane;
                int ob = output.offset() + p * outPlane;
                for (int y = 0; y < g.outH(); y++) {
                    for (int x = 0; x < g.outW(); x++) {
                        out.set(ob + y * g.outW() + x, in.get(base + argmax(g, in, base, y, x)));
                    }
                }
            }
        });
    }

    static void maxBackward(CpuParallel parallel, PoolGeometry g, CpuBuffer in, View input, CpuBuffer go, View gradOutput,
                            CpuBuffer gi, View gradInput) {
        check("max_pool2d_backward", g, input, gradOutput);
        check("max_pool2d_backward", g, gradInput, gradOutput);
        if (in instanceof CpuBuffer.F32 fi && go instanceof CpuBuffer.F32 fgo && gi instanceof CpuBuffer.F32 fgi) {
            float[] x = fi.data();
            float[] gOut = fgo.data();
            float[] gIn = fgi.data();
            int plane = g.height() * g.width();
            int outPlane = g.outH() * g.outW();
            parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
                for (int p = lo; p < hi; p++) {
                    int base = input.offset() + p * plane;
                    int gBase = gradInput.offset() + p * plane;
                    int ob = gradOutput.offset() + p * outPlane;
                    java.util.Arrays.fill(gIn, gBase, gBase + plane, 0f);
                    for (int y = 0; y < g.outH(); y++) {
                        for (int xx = 0; xx < g.outW(); xx++) {
                            gIn[gBase + argmaxF32(g, x, base, y, xx)] += gOut[ob + y * g.outW() + xx];
                        }
                    }
                }
            });
            return;
        }
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int base = input.offset() + p * plane;
                int gBase = gradInput.offset() + p * plane;
                int ob = gradOutput.offset() + p * outPlane;
                for (int i = 0; i < plane; i++) {
                    gi.set(gBase + i, 0.0);
                }
                for (int y = 0; y < g.outH(); y++) {
                    for (int x = 0; x < g.outW(); x++) {
                        int o = gBase + argmax(g, in, base, y, x);
                        gi.set(o, gi.get(o) + go.get(ob + y * g.outW() + x));
                    }
                }
            }
        });
    }

    /** Visits the in-bounds window of (y, x) and returns its divisor (padding counted). */
    private interface Cell {
        void visit(int offsetInPlane, double divisor);
    }

    private static void window(PoolGeometry g, int y, int x, Cell cell) {
        int h0 = y * g.strideH() - g.padH();
        int w0 = x * g.strideW() - g.padW();
        int h1 = Math.min(h0 + g.kernelH(), g.height() + g.padH());
        int w1 = Math.min(w0 + g.kernelW(), g.width() + g.padW());
        double divisor = (double) (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, g.height());
        w1 = Math.min(w1, g.width());
        for (int iy = h0; iy < h1; iy++) {
            for (int ix = w0; ix < w1; ix++) {
                cell.visit(iy * g.width() + ix, divisor);
            }
        }
    }

    static void avgForward(CpuParallel parallel, PoolGeometry g, CpuBuffer in, View input, CpuBuffer out, View output) {
        check("avg_pool2d", g, input, output);
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            double[] acc = new double[2];
            for (int p = lo; p < hi; p++) {
                int base = input.offset() + p * plane;
                int ob = output.offset() + p * outPlane;
                for (int y = 0; y < g.outH(); y++) {
                    for (int x = 0; x < g.outW(); x++) {
                        acc[0] = 0;
                        window(g, y, x, (o, divisor) -> {
                            acc[0] += in.get(base + o);
                            acc[1] = divisor;
                        });
                        out.set(ob + y * g.outW() + x, acc[0] / acc[1]);
                    }
                }
            }
        });
    }

    static void avgBackward(CpuParallel parallel, PoolGeometry g, CpuBuffer go, View gradOutput, CpuBuffer gi, View gradInput) {
        check("avg_pool2d_backward", g, gradInput, gradOutput);
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int gBase = gradInput.offset() + p * plane;
                int ob = gradOutput.offset() + p * outPlane;
                for (int i = 0; i < plane; i++) {
                    gi.set(gBase + i, 0.0);
                }
                for (int y = 0; y < g.outH(); y++) {
                    for (int x = 0; x < g.outW(); x++) {
                        double grad = go.get(ob + y * g.outW() + x);
                        window(g, y, x, (o, divisor) -> gi.set(gBase + o, gi.get(gBase + o) + grad / divisor));
                    }
                }
            }
        });
    }
}
