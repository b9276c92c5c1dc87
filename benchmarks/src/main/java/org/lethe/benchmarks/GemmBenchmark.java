package org.lethe.benchmarks;

import java.util.SplittableRandom;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;
import org.lethe.kernels.View;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * float32 {@code C = A B} for square n x n row-major matrices through the backend's GEMM primitive.
 * GFLOP/s = 2 n^3 / time (benchmarks/gemm.sh computes it and prints OpenBLAS beside it). The setup
 * checks 256 sampled elements of C against double-precision dot products before timing.
 * {@link #baseline} fills C once: the cost of touching the output, which any GEMM pays.
 */
public class GemmBenchmark extends BaseBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    /** {@code cpu} or {@code cpu-reference} (the scalar GEMM; slow at 2048). */
    @Param({"cpu"})
    public String backend;

    private Backend be;
    private View a;
    private View b;
    private View c;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        SplittableRandom r = new SplittableRandom(n);
        float[] ha = new float[n * n];
        float[] hb = new float[n * n];
        for (int i = 0; i < ha.length; i++) {
            ha[i] = (float) r.nextDouble(-1, 1);
            hb[i] = (float) r.nextDouble(-1, 1);
        }
        a = upload(ha);
        b = upload(hb);
        c = View.contiguous(be.allocate(DType.FLOAT32, n * n), 0, 1, n, n);
        gemm();
        float[] hc = new float[n * n];
        be.read(c.buffer(), 0, hc, 0, hc.length);
        for (int s = 0; s < 256; s++) {
            int i = r.nextInt(n);
            int j = r.nextInt(n);
            double ref = 0;
            double scale = 0;
            for (int p = 0; p < n; p++) {
                ref += (double) ha[i * n + p] * hb[p * n + j];
                scale += Math.abs((double) ha[i * n + p] * hb[p * n + j]);
            }
            if (Math.abs(hc[i * n + j] - ref) > 1e-5 * scale + 1e-6) {
                throw new IllegalStateException("gemm n=" + n + ": C[" + i + "," + j + "] = " + hc[i * n + j]
                        + ", reference " + ref);
            }
        }
    }

    private View upload(float[] host) {
        Buffer buf = be.allocate(DType.FLOAT32, host.length);
        be.write(buf, 0, host, 0, host.length);
        return View.contiguous(buf, 0, 1, n, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public View gemm() {
        be.gemm(a, b, c, 1.0, 0.0);
        return c;
    }

    @Benchmark
    public View baseline() {
        be.fill(c, 0.0);
        return c;
    }
}
