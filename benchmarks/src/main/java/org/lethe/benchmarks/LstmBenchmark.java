package org.lethe.benchmarks;

import java.util.SplittableRandom;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.lethe.models.nn.Lstm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The LSTM of the reference workload: one layer of 64 over 24 steps of 1 feature, batch 128, float32.
 * {@link #sequence} runs it without a graph; {@link #sequenceBackward} runs it and back-propagates a
 * fixed gradient of the last hidden state; {@link #step} is one recurrent step (the [128 x 64] x
 * [64 x 256] product with the recurrent weights and the fused cell), the unit the sequence repeats.
 * The setup checks the last hidden state of 16 sampled rows against the recurrence computed in double
 * precision from the layer's weights. {@link #baseline} is the input projection alone.
 */
public class LstmBenchmark extends BaseBenchmark {
    static final int N = 128;
    static final int T = 24;
    static final int H = 64;

    @Param({"cpu"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend be;
    private Lstm lstm;
    private Tensor x;
    private Tensor gradH;
    private Tensor h0;
    private Tensor c0;
    private Tensor whhT;
    private Tensor gates;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        Backends.setDefaultBackend(be);
        Rng rng = new Rng(3);
        lstm = TensorScope.detached(() -> new Lstm(1, H, 1, 0, rng));
        x = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, N, T, 1));
        gradH = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, N, H));
        h0 = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, N, H));
        c0 = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, N, H));
        whhT = TensorScope.detached(() -> lstm.stateDict().get("weight_hh_l0").transpose(0, 1).contiguous());
        gates = TensorScope.detached(() -> Tensor.randn(rng, DType.FLOAT32, N, 4 * H));
        validate();
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private void validate() {
        float[] wih = lstm.stateDict().get("weight_ih_l0").toFloatArray();
        float[] whh = lstm.stateDict().get("weight_hh_l0").toFloatArray();
        float[] bih = lstm.stateDict().get("bias_ih_l0").toFloatArray();
        float[] bhh = lstm.stateDict().get("bias_hh_l0").toFloatArray();
        float[] hx = x.toFloatArray();
        float[] got;
        try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            got = lstm.forward(x).lastHidden().toFloatArray();
        }
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 16; k++) {
            int row = r.nextInt(N);
            double[] h = new double[H];
            double[] c = new double[H];
            for (int t = 0; t < T; t++) {
                double[] z = new double[4 * H];
                for (int j = 0; j < 4 * H; j++) {
                    double v = wih[j] * (double) hx[row * T + t] + bih[j] + bhh[j];
                    for (int q = 0; q < H; q++) {
                        v += whh[j * H + q] * h[q];
                    }
                    z[j] = v;
                }
                for (int q = 0; q < H; q++) {
                    c[q] = sigmoid(z[H + q]) * c[q] + sigmoid(z[q]) * Math.tanh(z[2 * H + q]);
                    h[q] = sigmoid(z[3 * H + q]) * Math.tanh(c[q]);
                }
            }
            for (int q = 0; q < H; q++) {
                if (Math.abs(got[row * H + q] - h[q]) > 1e-4) {
                    throw new IllegalStateException("lstm: h[" + row + "," + q + "] = " + got[row * H + q] + ", recurrence "
                            + h[q]);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public double sequence() {
        try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return lstm.forward(x).lastHidden().dim(0);
        }
    }

    @Benchmark
    public double sequenceBackward() {
        try (TensorScope s = TensorScope.open()) {
            for (Tensor p : lstm.parameters()) {
                p.zeroGrad();
            }
            lstm.forward(x).lastHidden().backward(gradH);
            return lstm.parameters().get(0).grad().dim(0);
        }
    }

    @Benchmark
    public double step() {
        try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return org.lethe.engine.Functional.lstmCell(gates.add(h0.matmul(whhT)), c0).get(0).dim(0);
        }
    }

    @Benchmark
    public double baseline() {
        try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return org.lethe.engine.Functional.linear(x, lstm.stateDict().get("weight_ih_l0"), null).dim(0);
        }
    }
}
