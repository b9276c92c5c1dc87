package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lethe.engine.optim.Adam;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.lethe.kernels.cpu.CpuBackend;

/** The same seed gives bit-identical results, whatever the number of threads. */
class DeterminismTest {
    @Test
    void rngStreamsAreReproducibleAndSplitsIndependent() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        Rng c = new Rng(42).split();
        Rng d = new Rng(42).split();
        assertEquals(c.nextLong(), d.nextLong());
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
        int[] p = new Rng(5).permutation(100);
        int[] sorted = p.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i]);
        }
        int[] counts = new int[10];
        Rng r = new Rng(9);
        for (int i = 0; i < 100000; i++) {
            counts[r.nextInt(10)]++;
        }
        for (int cnt : counts) {
            assertEquals(10000, cnt, 500);
        }
    }

    /** A few Adam steps of a small network from a seed; returns the final weights. */
    private static float[] train(int threads) {
        Backend previous = Backends.defaultBackend();
        try (CpuBackend backend = new CpuBackend(threads)) {
            Backends.setDefaultBackend(backend);
            Rng rng = new Rng(2024);
            Tensor w1 = Tensor.uniform(rng, -0.3, 0.3, DType.FLOAT32, 64, 300).requiresGrad(true);
            Tensor w2 = Tensor.uniform(rng, -0.3, 0.3, DType.FLOAT32, 1, 64).requiresGrad(true);
            Tensor x = Tensor.randn(rng, DType.FLOAT32, 512, 300);
            Tensor y = Tensor.randn(rng, DType.FLOAT32, 512, 1);
            Adam adam = new Adam(List.of(w1, w2), 0.01);
            for (int step = 0; step < 4; step++) {
                adam.zeroGrad();
                Tensor h = Functional.dropout(Functional.linear(x, w1, null).relu(), 0.1, true, rng);
                Functional.mseLoss(Functional.linear(h, w2, null), y, Reduction.MEAN).backward();
                adam.step();
            }
            float[] a = w1.toFloatArray();
            float[] b = w2.toFloatArray();
            float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        } finally {
            Backends.setDefaultBackend(previous);
        }
    }

    @Test
    void trainingIsBitIdenticalOnOneTwoAndThreeThreads() {
        float[] one = train(1);
        assertArrayEquals(one, train(1));
        assertArrayEquals(one, train(2));
        assertArrayEquals(one, train(3));
    }
}
