package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.AdamStep;

/**
 * The typed float32 paths of the fused kernels give exactly the values of their definitions: the Adam
 * update ({@link CpuFused#adamF32}, vectorised without weight decay and AMSGrad) equals
 * {@link AdamStep#apply} rounded to float, for Adam and AdamW, with and without AMSGrad and weight
 * decay, at the first and a late step, with operands at different offsets; and the vectorised LSTM
 * cell adjoint ({@link VectorRows#lstmCellBackwardRow}) equals the scalar units for every width
 * around the vector length, with and without the incoming gradients.
 */
class FusedRowsTest {
    @Test
    void theTypedUpdateEqualsTheDefinitionBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 301;
        for (int step : new int[] {1, 2, 57}) {
            for (double wd : new double[] {0, 0.05}) {
                for (boolean decoupled : new boolean[] {false, true}) {
                    for (boolean ams : new boolean[] {false, true}) {
                        AdamStep s = new AdamStep(0.003, 0.9, 0.999, 1e-8, wd, decoupled, step);
                        float[] p = random(r, n + 3, -2, 2);
                        float[] g = random(r, n + 5, -1, 1);
                        float[] m = random(r, n + 1, -0.1, 0.1);
                        float[] v = random(r, n + 2, 0, 0.01);
                        float[] x = random(r, n + 4, 0, 0.01);
                        float[] p0 = p.clone();
                        float[] m0 = m.clone();
                        float[] v0 = v.clone();
                        float[] x0 = x.clone();
                        CpuFused.adamF32(s, 0, n, p, 3, g, 5, m, 1, v, 2, ams ? x : null, 4);
                        for (int i = 0; i < n; i++) {
                            double[] e = s.apply(p0[3 + i], g[5 + i], m0[1 + i], v0[2 + i], x0[4 + i], ams);
                            String at = "step " + step + " wd " + wd + " decoupled " + decoupled + " ams " + ams + " at " + i;
                            assertEquals((float) e[0], p[3 + i], 0f, "p " + at);
                            assertEquals((float) e[1], m[1 + i], 0f, "m " + at);
                            assertEquals((float) e[2], v[2 + i], 0f, "v " + at);
                            assertEquals(ams ? (float) e[3] : x0[4 + i], x[4 + i], 0f, "vmax " + at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theVectorLstmAdjointEqualsTheScalarUnitsBitForBit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(5);
        for (int h = 1; h <= 70; h++) {
            for (int nulls = 0; nulls < 3; nulls++) {
                float[] a = random(r, 4 * h + 3, 0, 1);
                for (int k = 2 * h; k < 3 * h; k++) {
                    a[3 + k] = (float) r.nextDouble(-1, 1); // the cell candidate g is a tanh
                }
                float[] cp = random(r, h + 1, -2, 2);
                float[] t = random(r, h + 2, -1, 1);
                float[] dh = nulls == 1 ? null : random(r, h, -1, 1);
                float[] dc = nulls == 2 ? null : random(r, h + 4, -1, 1);
                float[] gVec = new float[4 * h + 1];
                float[] gScalar = new float[4 * h + 1];
                float[] cVec = new float[h + 2];
                float[] cScalar = new float[h + 2];
                int k = VectorRows.lstmCellBackwardRow(h, a, 3, cp, 1, t, 2, dh, 0, dc, 4, gVec, 1, cVec, 2);
                assertEquals(h - h % jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), k, "whole vectors");
                CpuFused.lstmCellBackwardUnits(k, h, a, 3, cp, 1, t, 2, dh, 0, dc, 4, gVec, 1, cVec, 2);
                CpuFused.lstmCellBackwardUnits(0, h, a, 3, cp, 1, t, 2, dh, 0, dc, 4, gScalar, 1, cScalar, 2);
                org.junit.jupiter.api.Assertions.assertArrayEquals(gScalar, gVec, 0f, "gate gradients, hidden " + h);
                org.junit.jupiter.api.Assertions.assertArrayEquals(cScalar, cVec, 0f, "cell gradient, hidden " + h);
            }
        }
    }

    @Test
    void theVectorReluEqualsTheScalarLoopOnSpecialValues() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        float[] special = {Float.NaN, -0f, 0f, -1f, 1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.intBitsToFloat(0xffc00001)};
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n <= 50; n++) {
            float[] x = random(r, n + 2, -1, 1);
            for (int i = 0; i < n; i++) {
                if (r.nextInt(3) == 0) {
                    x[2 + i] = special[r.nextInt(special.length)];
                }
            }
            float[] v = new float[n + 1];
            float[] s = new float[n + 1];
            VectorRows.relu(x, 2, v, 1, n);
            FloatRows.relu(x, 2, s, 1, n);
            for (int i = 0; i <= n; i++) {
                assertEquals(Float.floatToIntBits(s[i]), Float.floatToIntBits(v[i]), "n " + n + " at " + i + ": " + x[Math.min(i + 1, n + 1)]);
            }
        }
    }

    private static float[] random(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(lo, hi);
        }
        return a;
    }
}
