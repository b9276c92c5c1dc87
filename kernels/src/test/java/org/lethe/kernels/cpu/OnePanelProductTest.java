package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Products whose right operand is one whole panel read the rows of {@code A} where they lie (on
 * AVX-512); with any tile, the result is the micro-kernel's exact order of operations: per block of
 * {@link VectorGemm#KC} along k, a fused multiply-add chain from zero, then added to C.
 */
class OnePanelProductTest {

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    @Test
    void onePanelProductsFollowTheKernelsOrder() {
        SplittableRandom r = new SplittableRandom(11);
        int n = VectorGemm.NR;
        for (int[] mk : new int[][] {{8, 1}, {13, 5}, {144, 196}, {17, 300}, {3, 40}, {64, 257}}) {
            int m = mk[0];
            int k = mk[1];
            int lda = k + 3;
            float[] a = random(r, 2 + m * lda);
            float[] b = random(r, k * n);
            float[] c = random(r, m * n);
            float[] expected = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    for (int pc = 0; pc < k; pc += VectorGemm.KC) {
                        float acc = 0f;
                        for (int p = pc; p < Math.min(k, pc + VectorGemm.KC); p++) {
                            acc = Math.fma(a[2 + i * lda + p], b[p * n + j], acc);
                        }
                        expected[i * n + j] += acc;
                    }
                }
            }
            for (int threads = 1; threads <= 2; threads++) {
                float[] got = c.clone();
                try (CpuParallel parallel = new CpuParallel(threads)) {
                    VectorGemm.product(parallel, a, 2, lda, 1, got, 0, n, m, n, k, 1f,
                            (pc, kc, jc, nc, bp, bpOff) -> VectorGemm.packB(b, pc * n + jc, n, 1, kc, nc, bp, bpOff));
                }
                for (int e = 0; e < m * n; e++) {
                    assertEquals(Float.floatToIntBits(expected[e]), Float.floatToIntBits(got[e]),
                            "m=" + m + " k=" + k + " threads=" + threads + " element " + e);
                }
            }
        }
    }
}
