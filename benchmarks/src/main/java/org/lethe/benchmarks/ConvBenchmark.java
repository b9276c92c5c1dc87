package org.lethe.benchmarks;

import java.util.SplittableRandom;
import org.lethe.engine.Functional;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 3x3 convolution (padding 1, stride 1, no bias) at the models' layer shapes, float32:
 * {@code small.conv1} [128,1,28,28] to 16 channels and {@code small.conv2} [128,16,14,14] to 32 (the
 * reference CNN workload), {@code allcnn.conv1} [32,3,32,32] to 96 (AllCNN's first layer).
 * {@link #forward} without a graph; {@link #forwardBackward} also computes the input and weight
 * gradients for a fixed output gradient. FLOP: forward {@code 2 N OC C 9 H W}, forward and backward
 * three times that (benchmarks/jmh-table.py prints GFLOP/s). The setup checks sampled elements of the
 * output and of both gradients against direct double-precision sums. {@link #baseline} copies the input.
 */
public class ConvBenchmark extends BaseBenchmark {
    @Param({"small.conv1", "small.conv2", "allcnn.conv1"})
    public String layer;

    @Param({"cpu"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend be;
    private Tensor x;
    private Tensor w;
    private Tensor gradOut;

    static int[] shape(String layer) {
        return switch (layer) {
            case "small.conv1" -> new int[] {128, 1, 28, 28, 16};
            case "small.conv2" -> new int[] {128, 16, 14, 14, 32};
            case "allcnn.conv1" -> new int[] {32, 3, 32, 32, 96};
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        Backends.setDefaultBackend(be);
        int[] s = shape(layer);
        Rng rng = new Rng(7);
        x = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, s[0], s[1], s[2], s[3]).requiresGrad(true));
        w = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, s[4], s[1], 3, 3).requiresGrad(true));
        gradOut = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, s[0], s[4], s[2], s[3]));
        validate(s);
    }

    private void validate(int[] s) {
        float[] hx = x.toFloatArray();
        float[] hw = w.toFloatArray();
        float[] hg = gradOut.toFloatArray();
        float[] out;
        try (TensorScope scope = TensorScope.open()) {
            x.zeroGrad();
            w.zeroGrad();
            Tensor y = Functional.conv2d(x, w, null, 1, 1);
            out = y.toFloatArray();
            y.backward(gradOut);
        }
        float[] dx = x.grad().toFloatArray();
        float[] dw = w.grad().toFloatArray();
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int wd = s[3];
        int oc = s[4];
        SplittableRandom r = new SplittableRandom(1);
        for (int t = 0; t < 64; t++) {
            int i = r.nextInt(n);
            int o = r.nextInt(oc);
            int yy = r.nextInt(h);
            int xx = r.nextInt(wd);
            double ref = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        int iy = yy - 1 + kh;
                        int ix = xx - 1 + kw;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                            ref += (double) hx[((i * c + ch) * h + iy) * wd + ix] * hw[((o * c + ch) * 3 + kh) * 3 + kw];
                        }
                    }
                }
            }
            check("output", out[((i * oc + o) * h + yy) * wd + xx], ref, c * 9);
            // d/dx at (i, ch, yy, xx): sum over o, kh, kw of g[i, o, yy + 1 - kh, xx + 1 - kw] * w[o, ch, kh, kw]
            int ch = r.nextInt(c);
            double rdx = 0;
            for (int oo = 0; oo < oc; oo++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        int oy = yy + 1 - kh;
                        int ox = xx + 1 - kw;
                        if (oy >= 0 && oy < h && ox >= 0 && ox < wd) {
                            rdx += (double) hg[((i * oc + oo) * h + oy) * wd + ox] * hw[((oo * c + ch) * 3 + kh) * 3 + kw];
                        }
                    }
                }
            }
            check("input gradient", dx[((i * c + ch) * h + yy) * wd + xx], rdx, oc * 9);
        }
        for (int t = 0; t < 8; t++) {
            int o = r.nextInt(oc);
            int ch = r.nextInt(c);
            int kh = r.nextInt(3);
            int kw = r.nextInt(3);
            double ref = 0;
            for (int i = 0; i < n; i++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < wd; xx++) {
                        int iy = yy - 1 + kh;
                        int ix = xx - 1 + kw;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                            ref += (double) hg[((i * oc + o) * h + yy) * wd + xx] * hx[((i * c + ch) * h + iy) * wd + ix];
                        }
                    }
                }
            }
            check("weight gradient", dw[((o * c + ch) * 3 + kh) * 3 + kw], ref, n * h * wd);
        }
    }

    private void check(String what, float got, double ref, int terms) {
        if (Math.abs(got - ref) > 1e-4 * Math.sqrt(terms) * (1 + Math.abs(ref))) {
            throw new IllegalStateException(layer + ": " + what + " " + got + ", direct sum " + ref);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public double forward() {
        try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return Functional.conv2d(x, w, null, 1, 1).dim(0);
        }
    }

    @Benchmark
    public double forwardBackward() {
        try (TensorScope scope = TensorScope.open()) {
            x.zeroGrad();
            w.zeroGrad();
            Functional.conv2d(x, w, null, 1, 1).backward(gradOut);
            return w.grad().dim(0);
        }
    }

    @Benchmark
    public double baseline() {
        try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return x.copy().dim(0);
        }
    }
}
