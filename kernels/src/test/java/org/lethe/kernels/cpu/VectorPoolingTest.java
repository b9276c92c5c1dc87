package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.DType;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.View;

/**
 * The vector 2x2 max pooling gives the scalar kernel's values and indices bit for bit, on planes
 * large enough for its vector loops and with tails, on data full of ties, signed zeros and
 * infinities; and hands a plane with a NaN back to the scalar kernel, wherever the NaN is.
 */
class VectorPoolingTest {
    private static final int[][] PLANES = {{28, 28}, {14, 14}, {7, 8}, {9, 30}, {2, 2}, {33, 34}, {16, 64}, {3, 6}};

    private static float[] values(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (r.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> Float.POSITIVE_INFINITY;
                case 3 -> Float.NEGATIVE_INFINITY;
                case 4, 5 -> r.nextInt(3) - 1; // ties
                default -> (float) r.nextGaussian() * 3e38f; // sums that overflow
            };
        }
        return x;
    }

    @Test
    void valuesAndIndicesAreTheScalarKernels() {
        Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(11);
        for (int[] hw : PLANES) {
            int h = hw[0];
            int w = hw[1];
            assertTrue(VectorPooling.handles(w));
            PoolGeometry g = new PoolGeometry(1, 1, h, w, 2, 2, 2, 2, 0, 0);
            int outSize = g.outH() * g.outW();
            for (int trial = 0; trial < 20; trial++) {
                int base = r.nextInt(5);
                float[] x = values(r, base + h * w + 3);
                float[] out = new float[outSize + 2];
                float[] idx = new float[outSize + 2];
                float[] vOut = new float[outSize + 2];
                float[] vIdx = new float[outSize + 2];
                CpuPooling.maxTwoByTwo(g, x, base, out, idx, 1);
                assertTrue(VectorPooling.maxTwoByTwo(h, w, x, base, vOut, vIdx, 1), h + "x" + w);
                assertArrayEquals(idx, vIdx, 0f, "indices " + h + "x" + w);
                for (int i = 0; i < out.length; i++) {
                    // bit for bit: the window's own element, -0 included
                    assertEquals(Float.floatToRawIntBits(out[i]), Float.floatToRawIntBits(vOut[i]), h + "x" + w + " at " + i);
                }
            }
        }
    }

    @Test
    void aNaNAnywhereSendsThePlaneToTheScalarKernel() {
        Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(12);
        for (int[] hw : PLANES) {
            int h = hw[0];
            int w = hw[1];
            for (int at = 0; at < h / 2 * 2 * w; at += 1 + r.nextInt(9)) {
                float[] x = values(r, h * w);
                x[at] = Float.NaN;
                float[] out = new float[h / 2 * (w / 2)];
                assertFalse(VectorPooling.maxTwoByTwo(h, w, x, 0, out, out.clone(), 0), h + "x" + w + " NaN at " + at);
            }
        }
    }

    /** Through the backends: the vector path (with a NaN plane among others) against the scalar backend. */
    @Test
    void theBackendsAgree() {
        try (CpuBackend vector = new CpuBackend(2, true); CpuBackend scalar = new CpuBackend(2, false)) {
            PoolGeometry g = new PoolGeometry(3, 4, 14, 14, 2, 2, 2, 2, 0, 0);
            float[] x = values(new SplittableRandom(13), 3 * 4 * 14 * 14);
            x[5 * 196 + 77] = Float.NaN;
            float[][] results = new float[4][];
            int k = 0;
            for (CpuBackend b : new CpuBackend[] {vector, scalar}) {
                View in = View.contiguous(b.allocate(DType.FLOAT32, x.length), 0, 3, 4, 14, 14);
                System.arraycopy(x, 0, ((CpuBuffer.F32) in.buffer()).data(), 0, x.length);
                View out = View.contiguous(b.allocate(DType.FLOAT32, 3 * 4 * 49), 0, 3, 4, 7, 7);
                View idx = View.contiguous(b.allocate(DType.FLOAT32, 3 * 4 * 49), 0, 3, 4, 7, 7);
                b.maxPool2d(g, in, out, idx);
                results[k++] = ((CpuBuffer.F32) out.buffer()).data();
                results[k++] = ((CpuBuffer.F32) idx.buffer()).data();
            }
            assertArrayEquals(results[2], results[0], 0f, "values");
            assertArrayEquals(results[3], results[1], 0f, "indices");
            assertTrue(Float.isNaN(results[0][5 * 49 + 77 / 28 * 7 + 77 % 14 / 2]), "the NaN's window");
        }
    }
}
