package org.lethe.kernels.cpu;

import org.lethe.kernels.Checks;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.View;

/** Max and average pooling with PyTorch's window rules; parallel over (image, channel) planes. */
final class CpuPooling {
    private CpuPooling() {
    }


    /** Offset within the input plane of the first maximum of the window at (y, x) (the first NaN, if any). */
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

    /** The common 2x2, stride 2, unpadded window on floats, without unpredictable branches. */
    private static boolean twoByTwo(PoolGeometry g) {
        return g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0 && g.padW() == 0;
    }

    static void maxTwoByTwo(PoolGeometry g, float[] x, int base, float[] out, float[] idx, int ob) {
        int w = g.width();
        int outW = g.outW();
        for (int y = 0; y < g.outH(); y++) {
            int row = base + 2 * y * w;
            int o = ob + y * outW;
            for (int xx = 0; xx < outW; xx++) {
                int q = row + 2 * xx;
                // "+ 0f" turns -0 into +0, so that equal values compare equal below
                float a = x[q] + 0f;
                float b = x[q + 1] + 0f;
                float c = x[q + w] + 0f;
                float d = x[q + w + 1] + 0f;
                int p = 2 * y * w + 2 * xx;
                if (!(Math.abs(a + b + c + d) <= Float.MAX_VALUE)) {
                    // a NaN or an infinity (or a sum that overflows): the exact rule, rarely taken
                    int arg = argmaxOfFour(a, b, c, d, p, w);
                    out[o + xx] = x[base + arg];
                    idx[o + xx] = arg;
                    continue;
                }
                // The first maximum in row-major order (a, b, c, d), without branches: for finite
                // values the sign bit of u - v is set exactly when v > u. Ternaries on data-dependent
                // comparisons compile to branches that mispredict on ReLU outputs (4x slower).
                int right1 = Float.floatToRawIntBits(a - b) >>> 31;
                int right2 = Float.floatToRawIntBits(c - d) >>> 31;
                int lower = Float.floatToRawIntBits(Math.max(a, b) - Math.max(c, d)) >>> 31;
                int arg = p + lower * (w + right2) + (1 - lower) * right1;
                out[o + xx] = x[base + arg];
                idx[o + xx] = arg;
            }
        }
    }

    /** Offset of the first NaN of a, b, c, d, or else of their first maximum. */
    private static int argmaxOfFour(float a, float b, float c, float d, int p, int w) {
        if (a != a) {
            return p;
        }
        if (b != b) {
            return p + 1;
        }
        if (c != c) {
            return p + w;
        }
        if (d != d) {
            return p + w + 1;
        }
        int arg = p;
        float m = a;
        if (b > m) {
            arg = p + 1;
            m = b;
        }
        if (c > m) {
            arg = p + w;
            m = c;
        }
        return d > m ? p + w + 1 : arg;
    }

    static void maxForward(CpuParallel parallel, boolean vector, PoolGeometry g, CpuBuffer in, View input, CpuBuffer out,
                           View output, CpuBuffer ind, View indices) {
        Checks.pooling("max_pool2d", g, input, output);
        Checks.pooling("max_pool2d", g, input, indices);
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        boolean fast = twoByTwo(g) && in instanceof CpuBuffer.F32 && out instanceof CpuBuffer.F32 && ind instanceof CpuBuffer.F32;
        boolean vectors = fast && vector && VectorPooling.handles(g.width());
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int base = input.offset() + p * plane;
                int ob = output.offset() + p * outPlane;
                int ib = indices.offset() + p * outPlane;
                if (vectors && ib == ob && VectorPooling.maxTwoByTwo(g.height(), g.width(), ((CpuBuffer.F32) in).data(), base,
                        ((CpuBuffer.F32) out).data(), ((CpuBuffer.F32) ind).data(), ob)) {
                    continue;
                }
                if (fast && ib == ob) {
                    maxTwoByTwo(g, ((CpuBuffer.F32) in).data(), base, ((CpuBuffer.F32) out).data(),
                            ((CpuBuffer.F32) ind).data(), ob);
                    continue;
                }
                for (int y = 0; y < g.outH(); y++) {
                    for (int x = 0; x < g.outW(); x++) {
                        int arg = argmax(g, in, base, y, x);
                        out.set(ob + y * g.outW() + x, in.get(base + arg));
                        ind.set(ib + y * g.outW() + x, arg);
                    }
                }
            }
        });
    }

    static void maxBackward(CpuParallel parallel, PoolGeometry g, CpuBuffer ind, View indices, CpuBuffer go, View gradOutput,
                            CpuBuffer gi, View gradInput) {
        Checks.pooling("max_pool2d_backward", g, gradInput, gradOutput);
        Checks.pooling("max_pool2d_backward", g, gradInput, indices);
        int plane = g.height() * g.width();
        int outPlane = g.outH() * g.outW();
        parallel.forRange(g.images() * g.channels(), 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int gBase = gradInput.offset() + p * plane;
                int ob = gradOutput.offset() + p * outPlane;
                int ib = indices.offset() + p * outPlane;
                gi.zero(gBase, plane);
                if (ind instanceof CpuBuffer.F32 fi && go instanceof CpuBuffer.F32 fgo && gi instanceof CpuBuffer.F32 fgi) {
                    float[] idx = fi.data();
                    float[] gOut = fgo.data();
                    float[] gIn = fgi.data();
                    for (int k = 0; k < outPlane; k++) {
                        gIn[gBase + (int) idx[ib + k]] += gOut[ob + k];
                    }
                    continue;
                }
                for (int k = 0; k < outPlane; k++) {
                    int o = gBase + (int) ind.get(ib + k);
                    gi.set(o, gi.get(o) + go.get(ob + k));
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
        Checks.pooling("avg_pool2d", g, input, output);
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
        Checks.pooling("avg_pool2d_backward", g, gradInput, gradOutput);
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
