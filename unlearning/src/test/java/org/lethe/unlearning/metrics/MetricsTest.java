package org.lethe.unlearning.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every metric against hand-computed values. */
class MetricsTest {
    @Test
    void regressionErrors() {
        RegressionErrors e = RegressionErrors.of(new double[] {1, 2, 4}, new double[] {1, 3, 2});
        assertEquals(1.0, e.mae(), 1e-15);                 // (0 + 1 + 2) / 3
        assertEquals(5.0 / 3, e.mse(), 1e-15);             // (0 + 1 + 4) / 3
        assertEquals(Math.sqrt(5.0 / 3), e.rmse(), 1e-15);
        assertEquals(1 - 5.0 / 2, e.r2(), 1e-15);          // SS_tot about mean 2: 1 + 1 + 0
        assertTrue(Double.isNaN(RegressionErrors.of(new double[0], new double[0]).mae()));
        assertTrue(Double.isNaN(RegressionErrors.of(new double[] {1, 2}, new double[] {3, 3}).r2()));
    }

    @Test
    void wassersteinDistance() {
        // equal sizes: mean |sort(u) - sort(v)| = (|1-2| + |2-2| + |3-5|) / 3
        assertEquals(1.0, Distances.wasserstein1(new double[] {3, 1, 2}, new double[] {2, 5, 2}), 1e-15);
        // area between the distribution functions: 1/3 on [0,1), 2/3 on [1,3), 1 on [3,5), 1/2 on [5,6)
        assertEquals(25.0 / 6, Distances.wasserstein1(new double[] {0, 1, 3}, new double[] {5, 6}), 1e-12);
        assertEquals(0, Distances.wasserstein1(new double[] {1, 2}, new double[] {2, 1}), 0);
        assertEquals(1.5, Distances.meanAbsoluteDifference(new double[] {1, 2}, new double[] {2, 4}), 1e-15);
    }

    @Test
    void relativeDifferenceHistogram() {
        int[] h = Distances.relativeDifferenceHistogram(new double[] {10, 10, 10, 10, 1}, new double[] {10, 10.4, 11, 30, 1},
                new double[] {10, 10, 10, 10, 0});
        assertEquals(21, h.length);
        assertEquals(3, h[0], "relative differences 0, 0.04, and 0 for y = 0 without a difference");
        assertEquals(1, h[2], "0.10 relative lands in [0.10, 0.15)");
        assertEquals(1, h[20], "2.0 relative lands in the overflow bin");
        assertEquals(5, java.util.Arrays.stream(h).sum());
        assertArrayEquals(new double[] {0.05, 0.1}, java.util.Arrays.copyOf(Distances.EDGES, 2), 1e-15);
    }

    @Test
    void svcSeparatesAnEasyCase() {
        double[][] x = new double[200][];
        int[] y = new int[200];
        for (int i = 0; i < 100; i++) {
            x[i] = new double[] {0.01 * i};
            y[i] = 1;
            x[100 + i] = new double[] {3 + 0.01 * i};
            y[100 + i] = -1;
        }
        Svc s = Svc.fit(x, y, 3, 1, 1e-3);
        assertEquals(1, s.predict(new double[] {0.5}));
        assertEquals(-1, s.predict(new double[] {3.5}));
        assertTrue(s.supportVectors() < 40);
    }
}
