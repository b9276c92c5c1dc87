package org.lethe.benchmarks;

import org.lethe.engine.GradMode;
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
 * The engine's fixed cost per operation: a chain of {@value #OPS} elementwise operations (multiply,
 * add, tanh in turn) on a tiny tensor, where the arithmetic is negligible. {@link #baseline} runs the
 * chain without a graph; {@link #buildGraph} records it; {@link #buildAndBackward} also runs backward.
 * (time - baseline) / {@value #OPS} is the bookkeeping per operation, forward and backward. The setup
 * checks the value and the gradient against the same chain in double precision.
 */
public class GraphBenchmark extends BaseBenchmark {
    static final int OPS = 96;

    @Param({"8"})
    public int size;

    private Backend be;
    private Tensor x;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open("cpu", 1);
        Backends.setDefaultBackend(be);
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = 0.1 * (i + 1);
        }
        x = TensorScope.detached(() -> Tensor.of(DType.FLOAT64, v, size).requiresGrad(true));
        double[] out;
        try (TensorScope s = TensorScope.open()) {
            x.zeroGrad();
            Tensor y = chain(x).sum();
            out = new double[] {y.item()};
            y.backward();
        }
        double[] g = x.grad().toDoubleArray();
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double val = v[i];
            double d = 1;
            for (int k = 0; k < OPS; k++) {
                switch (k % 3) {
                    case 0 -> {
                        val *= 1.01;
                        d *= 1.01;
                    }
                    case 1 -> val += 0.01;
                    default -> {
                        val = Math.tanh(val);
                        d *= 1 - val * val;
                    }
                }
            }
            sum += val;
            if (Math.abs(g[i] - d) > 1e-12) {
                throw new IllegalStateException("graph: gradient " + g[i] + ", chain rule " + d);
            }
        }
        if (Math.abs(out[0] - sum) > 1e-12) {
            throw new IllegalStateException("graph: value " + out[0] + ", direct " + sum);
        }
    }

    private static Tensor chain(Tensor t) {
        Tensor y = t;
        for (int k = 0; k < OPS; k++) {
            y = switch (k % 3) {
                case 0 -> y.mul(1.01);
                case 1 -> y.add(0.01);
                default -> y.tanh();
            };
        }
        return y;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public double baseline() {
        try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            return chain(x).dim(0);
        }
    }

    @Benchmark
    public double buildGraph() {
        try (TensorScope s = TensorScope.open()) {
            return chain(x).dim(0);
        }
    }

    @Benchmark
    public double buildAndBackward() {
        try (TensorScope s = TensorScope.open()) {
            x.zeroGrad();
            chain(x).sum().backward();
            return x.grad().dim(0);
        }
    }
}
