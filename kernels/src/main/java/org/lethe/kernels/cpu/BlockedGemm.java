package org.lethe.kernels.cpu;

import org.lethe.kernels.View;

/**
 * float32 matrix product blocked for the caches: a {@code KC x NC} panel of {@code b} is packed
 * row-major, then every row of {@code c} accumulates {@code a[i,p] * panel[p, :]} in a unit-stride
 * loop that the JIT vectorises. Rows (or, for many small matrices, whole batch entries) are split
 * across threads; each element of {@code c} is accumulated in the same order whatever the thread
 * count. Accumulation is in float32, as in BLAS. Tested against {@link ReferenceGemm}.
 */
final class BlockedGemm {
    static final int KC = 128;
    static final int NC = 1024;
    /** Below this many multiply-adds the reference path is as fast and simpler. */
    static final long MIN_WORK = 1 << 14;

    private BlockedGemm() {
    }

    static boolean applies(GemmShape s, CpuBuffer a, CpuBuffer b, CpuBuffer c) {
        return a instanceof CpuBuffer.F32 && b instanceof CpuBuffer.F32 && c instanceof CpuBuffer.F32
                && (long) s.m() * s.n() * s.k() >= MIN_WORK;
    }

    static void run(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                    View av, View bv, View cv, float alpha, float beta) {
        if (!s.sumBatch() && s.batch() >= parallel.threads() && s.batch() > 1) {
            parallel.forRange(s.batch(), 1, (lo, hi) -> {
                float[] panel = new float[KC * Math.min(NC, s.n())];
                for (int bi = lo; bi < hi; bi++) {
                    one(null, s, a, b, c, av, bv, cv, bi, alpha, beta, panel);
                }
            });
            return;
        }
        float[] panel = new float[KC * Math.min(NC, s.n())];
        for (int bi = 0; bi < s.batch(); bi++) {
            float betaHere = s.sumBatch() && bi > 0 ? 1f : beta;
            one(parallel, s, a, b, c, av, bv, cv, bi, alpha, betaHere, panel);
        }
    }

    /** One matrix of the batch; {@code parallel == null} runs on the calling thread. */
    private static void one(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                            View av, View bv, View cv, int bi, float alpha, float beta, float[] panel) {
        float[] A = a.data();
        float[] B = b.data();
        float[] C = c.data();
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int aOff = av.offset() + bi * av.strides()[0];
        int as1 = av.strides()[1];
        int as2 = av.strides()[2];
        int bOff = bv.offset() + bi * bv.strides()[0];
        int bs1 = bv.strides()[1];
        int bs2 = bv.strides()[2];
        int cOff = cv.offset() + bi * cv.strides()[0];
        int ldc = s.ldc();
        if (beta != 1f) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    C[ci + j] = beta == 0f ? 0f : beta * C[ci + j];
                }
            }
        }
        for (int kk = 0; kk < k; kk += KC) {
            int kc = Math.min(KC, k - kk);
            for (int jj = 0; jj < n; jj += NC) {
                int nc = Math.min(NC, n - jj);
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (kk + p) * bs1 + jj * bs2;
                    if (bs2 == 1) {
                        System.arraycopy(B, src, panel, p * nc, nc);
                    } else {
                        for (int j = 0; j < nc; j++) {
                            panel[p * nc + j] = B[src + j * bs2];
                        }
                    }
                }
                final int fkk = kk;
                final int fjj = jj;
                CpuParallel.RangeTask rows = (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        int ci = cOff + i * ldc + fjj;
                        int ai = aOff + i * as1 + fkk * as2;
                        for (int p = 0; p < kc; p++) {
                            float aip = alpha * A[ai + p * as2];
                            int po = p * nc;
                            for (int j = 0; j < nc; j++) {
                                C[ci + j] += aip * panel[po + j];
                            }
                        }
                    }
                };
                if (parallel == null) {
                    rows.run(0, m);
                } else {
                    parallel.forRange(m, Math.max(1, (1 << 15) / Math.max(1, kc * nc / 8)), rows);
                }
            }
        }
    }
}
