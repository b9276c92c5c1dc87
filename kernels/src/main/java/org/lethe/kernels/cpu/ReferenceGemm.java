package org.lethe.kernels.cpu;

import org.lethe.kernels.View;

/**
 * The obviously correct matrix product: every element of {@code c} is one double-precision dot
 * product read straight through the views' strides. It defines the result that {@link BlockedGemm}
 * must reproduce, and serves float64 and small products.
 */
final class ReferenceGemm {
    private ReferenceGemm() {
    }

    static void run(CpuParallel parallel, GemmShape s, CpuBuffer a, CpuBuffer b, CpuBuffer c, View av, View bv, View cv,
                    double alpha, double beta) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int batches = s.batch();
        int[] as = av.strides();
        int[] bs = bv.strides();
        int[] cs = cv.strides();
        int rows = s.sumBatch() ? m : batches * m;
        int minRows = Math.max(1, (1 << 16) / Math.max(1, n * k * (s.sumBatch() ? batches : 1)));
        parallel.forRange(rows, minRows, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int b0 = s.sumBatch() ? 0 : r / m;
                int b1 = s.sumBatch() ? batches : b0 + 1;
                int i = s.sumBatch() ? r : r % m;
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int bi = b0; bi < b1; bi++) {
                        int ao = av.offset() + bi * as[0] + i * as[1];
                        int bo = bv.offset() + bi * bs[0] + j * bs[2];
                        for (int p = 0; p < k; p++) {
                            acc += a.get(ao + p * as[2]) * b.get(bo + p * bs[1]);
                        }
                    }
                    int co = cv.offset() + b0 * cs[0] + i * cs[1] + j * cs[2];
                    c.set(co, beta == 0 ? alpha * acc : alpha * acc + beta * c.get(co));
                }
            }
        });
    }
}
