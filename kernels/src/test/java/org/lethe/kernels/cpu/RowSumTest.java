package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The typed row sums (scalar and vector) against a plain double sum, for every length around the vector widths. */
class RowSumTest {
    @Test
    void rowSumsMatchThePlainDoubleSum() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n <= 70; n++) {
            for (int off = 0; off < 3; off++) {
                float[] x = new float[n + off + 1];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextDouble(-1e3, 1e3);
                }
                double plain = 0.5;
                for (int i = 0; i < n; i++) {
                    plain += x[off + i];
                }
                // sums of floats in double: exact up to the double rounding of a few additions
                double tol = 1e-12 * (1 + 1e3 * n);
                assertEquals(plain, FloatRows.sum(x, off, n, 0.5), tol, "scalar n=" + n);
                if (VectorSupport.AVAILABLE) {
                    assertEquals(plain, VectorRows.sum(x, off, n, 0.5), tol, "vector n=" + n);
                }
            }
        }
    }

    @Test
    void widenedAdditionsMatchTheScalarOnes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(8);
        for (int n = 0; n <= 40; n++) {
            float[] x = new float[n + 3];
            double[] acc = new double[n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1e3, 1e3);
            }
            for (int i = 0; i < n; i++) {
                acc[i] = r.nextDouble(-1, 1);
            }
            double[] expected = acc.clone();
            for (int i = 0; i < n; i++) {
                expected[i] += x[3 + i];
            }
            int done = VectorRows.addWidened(x, 3, acc, n);
            for (int i = done; i < n; i++) {
                acc[i] += x[3 + i];
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, acc, 0.0, "n=" + n);
        }
    }

    /** Column sums in register strips: bit for bit the row-ordered double sum rounded once, as the scalar loop. */
    @Test
    void columnSumsInStripsMatchTheRowOrderedSum() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        SplittableRandom r = new SplittableRandom(9);
        for (int[] rc : new int[][] {{1, 32}, {3, 70}, {50, 256}, {7, 31}, {3072, 96}}) {
            int rows = rc[0];
            int cols = rc[1];
            float[] a = new float[2 + rows * cols];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1e3, 1e3);
            }
            for (int lo = 0; lo <= 1; lo++) {
                float[] out = new float[cols + 1];
                java.util.Arrays.fill(out, Float.NaN);
                int done = VectorRows.columnSums(a, 2, cols, rows, lo, cols, out, 1);
                assertEquals(lo + (cols - lo) / (4 * jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length()) * 4 * jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length(), done,
                        "columns done, rows=" + rows + " cols=" + cols);
                for (int j = lo; j < done; j++) {
                    double acc = 0;
                    for (int q = 0; q < rows; q++) {
                        acc += a[2 + q * cols + j];
                    }
                    assertEquals(Float.floatToIntBits((float) acc), Float.floatToIntBits(out[1 + j]),
                            "rows=" + rows + " cols=" + cols + " column " + j);
                }
                for (int j = done; j < cols; j++) {
                    assertEquals(Float.floatToIntBits(Float.NaN), Float.floatToIntBits(out[1 + j]), "column " + j + " written");
                }
            }
        }
    }
}
