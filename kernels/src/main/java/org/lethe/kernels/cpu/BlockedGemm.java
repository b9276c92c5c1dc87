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
        s.forEachMatrix(parallel, beta, (par, bi, be) -> one(par, s, a, b, c, av, bv, cv, bi, alpha, be,
                new float[KC * Math.min(NC, s.n())]));
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
        GemmShape.Matrix at = s.matrix(av, bv, cv, bi);
        at.scaleResult(C, m, n, beta);
        for (int kk = 0; kk < k; kk += KC) {
            int kc = Math.min(KC, k - kk);
            for (int jj = 0; jj < n; jj += NC) {
                int nc = Math.min(NC, n - jj);
                for (int p = 0; p < kc; p++) {
                    int src = at.bOff() + (kk + p) * at.bs1() + jj * at.bs2();
                    if (at.bs2() == 1) {
                        System.arraycopy(B, src, panel, p * nc, nc);
                    } else {
                        for (int j = 0; j < nc; j++) {
                            panel[p * nc + j] = B[src + j * at.bs2()];
                        }
                    }
                }
                final int fkk = kk;
                final int fjj = jj;
                CpuParallel.RangeTask rows = (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        int ci = at.cOff() + i * at.ldc() + fjj;
                        int ai = at.aOff() + i * at.as1() + fkk * at.as2();
                        for (int p = 0; p < kc; p++) {
                            float aip = alpha * A[ai + p * at.as2()];
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
