package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.View;

/**
 * 2x2 max pooling with the Vector API gives the scalar rule's values and indices bit for bit, on
 * planes with ties, signed zeros, NaN, infinities and sums that overflow.
 */
class VectorPoolingTest {

    private static float[][] pool(boolean vector, PoolGeometry g, float[] x) {
        try (CpuBackend b = new CpuBackend(2, vector)) {
            Buffer in = b.allocate(DType.FLOAT32, x.length);
            b.write(in, 0, x, 0, x.length);
            int outs = g.images() * g.channels() * g.outH() * g.outW();
            Buffer out = b.allocate(DType.FLOAT32, outs);
            Buffer idx = b.allocate(DType.FLOAT32, outs);
            int[] shape = {g.images(), g.channels(), g.outH(), g.outW()};
            b.maxPool2d(g, View.contiguous(in, 0, g.images(), g.channels(), g.height(), g.width()),
                    View.contiguous(out, 0, shape), View.contiguous(idx, 0, shape));
            float[] o = new float[outs];
            float[] i = new float[outs];
            b.read(out, 0, o, 0, outs);
            b.read(idx, 0, i, 0, outs);
            return new float[][] {o, i};
        }
    }

    @Test
    void vectorPoolingIsTheScalarRule() {
        Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(5);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE};
        for (int[] hw : new int[][] {{28, 28}, {14, 14}, {7, 9}, {5, 40}, {9, 33}, {2, 2}}) {
            for (double specialRate : new double[] {0, 0.01, 0.2}) {
                PoolGeometry g = new PoolGeometry(3, 2, hw[0], hw[1], 2, 2, 2, 2, 0, 0);
                float[] x = new float[3 * 2 * hw[0] * hw[1]];
                for (int i = 0; i < x.length; i++) {
                    double u = r.nextDouble();
                    // a few levels, so that windows hold ties; ReLU-like zeros
                    x[i] = u < specialRate ? specials[r.nextInt(specials.length)] : Math.max(0, r.nextInt(-3, 5)) / 4f;
                }
                float[][] scalar = pool(false, g, x);
                float[][] vector = pool(true, g, x);
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < scalar[k].length; i++) {
                        assertEquals(Float.floatToRawIntBits(scalar[k][i]), Float.floatToRawIntBits(vector[k][i]),
                                (k == 0 ? "value " : "index ") + i + " of " + hw[0] + "x" + hw[1] + " rate " + specialRate);
                    }
                }
            }
        }
    }
}
