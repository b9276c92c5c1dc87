package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.DType;

/** Broadcasting with size-1 dimensions, views that share memory, non-contiguous inputs and empty selections. */
class BroadcastAndViewTest {
    private static Tensor t(double[] v, int... shape) {
        return Tensor.of(DType.FLOAT64, v, shape);
    }

    @Test
    void sizeOneDimensionsBroadcastBothWays() {
        Tensor col = t(new double[] {1, 2, 3}, 3, 1);
        Tensor row = t(new double[] {10, 20}, 1, 2);
        Tensor sum = col.add(row);
        assertArrayEquals(new int[] {3, 2}, sum.shape());
        assertArrayEquals(new double[] {11, 21, 12, 22, 13, 23}, sum.toDoubleArray());
        Tensor scalar = Tensor.scalar(5, DType.FLOAT64);
        assertArrayEquals(new int[0], scalar.shape());
        assertArrayEquals(new double[] {6, 7, 8}, col.add(scalar).toDoubleArray());
        assertArrayEquals(new int[] {2, 3, 2}, col.add(Tensor.zeros(DType.FLOAT64, 2, 1, 2)).shape());
    }

    @Test
    void gradientOfABroadcastInputIsSummedBack() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor b = t(new double[] {1, 2, 3, 4}, 1, 4).requiresGrad(true);
        Tensor s = Tensor.scalar(2, DType.FLOAT64).requiresGrad(true);
        a.add(b).mul(s).sum().backward();
        assertArrayEquals(new double[] {6, 6, 6, 6}, b.grad().toDoubleArray());
        assertArrayEquals(new int[] {1, 4}, b.grad().shape());
        assertEquals(30.0, s.grad().item());
        assertArrayEquals(new int[0], s.grad().shape());
    }

    @Test
    void viewsShareMemoryWithoutCopying() {
        Tensor x = Tensor.arange(12, DType.FLOAT64).reshape(3, 4);
        Tensor tr = x.transpose(0, 1);
        assertFalse(tr.isContiguous());
        assertArrayEquals(new int[] {1, 4}, tr.strides());
        Tensor sl = x.slice(1, 1, 3);
        Tensor ex = x.slice(0, 0, 1).expand(5, 4);
        assertArrayEquals(new int[] {0, 1}, ex.strides());
        x.fill(7);
        assertEquals(7.0, tr.get(2, 1));
        assertEquals(7.0, sl.get(2, 0));
        assertEquals(7.0, ex.get(4, 3));
        Tensor r = x.reshape(2, 6);
        r.copyFrom(Tensor.scalar(-1, DType.FLOAT64));
        assertEquals(-1.0, x.get(0, 0));
    }

    @Test
    void unbindGivesViewsOfEachTimeStep() {
        Tensor seq = Tensor.arange(24, DType.FLOAT64).reshape(2, 3, 4);
        List<Tensor> steps = seq.unbind(1);
        assertEquals(3, steps.size());
        assertArrayEquals(new int[] {2, 4}, steps.get(1).shape());
        assertArrayEquals(new double[] {4, 5, 6, 7, 16, 17, 18, 19}, steps.get(1).toDoubleArray());
        assertArrayEquals(new int[] {12, 1}, steps.get(1).strides(), "a strided view, not a copy");
        seq.fill(3);
        assertEquals(3.0, steps.get(2).get(1, 3));
    }

    @Test
    void reshapeOfANonContiguousTensorCopiesInLogicalOrder() {
        Tensor x = Tensor.arange(6, DType.FLOAT64).reshape(2, 3).transpose(0, 1);
        Tensor r = x.reshape(6);
        assertTrue(r.isContiguous());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, r.toDoubleArray());
    }

    @Test
    void operationsAcceptStridedAndBroadcastInputs() {
        Tensor x = Tensor.arange(6, DType.FLOAT64).reshape(2, 3);
        Tensor strided = x.transpose(0, 1).slice(0, 0, 3, 2);
        assertArrayEquals(new double[] {0, 3, 2, 5}, strided.toDoubleArray());
        assertArrayEquals(new double[] {0, 9, 4, 25}, strided.mul(strided).toDoubleArray());
        Tensor b = Tensor.ones(DType.FLOAT64, 1, 3).expand(4, 3);
        assertArrayEquals(new double[] {4, 4, 4}, b.sum(new int[] {0}, false).toDoubleArray());
        assertArrayEquals(new double[] {3, 5, 7}, x.sum(0).add(x.slice(0, 1, 2).squeeze(0).mul(0.0)).toDoubleArray());
    }

    @Test
    void emptySelectionsAreHandled() {
        Tensor x = Tensor.arange(15, DType.FLOAT64).reshape(5, 3).requiresGrad(true);
        Tensor none = x.maskedRows(new boolean[5]);
        assertArrayEquals(new int[] {0, 3}, none.shape());
        assertEquals(0.0, none.sum().item());
        assertTrue(Double.isNaN(none.mean().item()), "mean over no elements is NaN, as in PyTorch");
        none.sum().backward();
        assertArrayEquals(new double[15], x.grad().toDoubleArray());
        assertArrayEquals(new int[] {0, 3}, Tensor.concat(List.of(none, none), 0).shape());
        assertArrayEquals(new int[] {2, 0}, x.slice(0, 0, 2).slice(1, 1, 1).shape());
    }

    @Test
    void rowSelectionSplitsABatchIntoForgetAndRetainRows() {
        Tensor batch = Tensor.arange(8, DType.FLOAT64).reshape(4, 2).requiresGrad(true);
        boolean[] forget = {false, true, false, true};
        boolean[] retain = {true, false, true, false};
        Tensor f = batch.maskedRows(forget);
        Tensor r = batch.maskedRows(retain);
        assertArrayEquals(new double[] {2, 3, 6, 7}, f.toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 4, 5}, r.toDoubleArray());
        f.sum().mul(2.0).add(r.sum()).backward();
        assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2}, batch.grad().toDoubleArray());
    }

    @Test
    void l2NormalizeOfAZeroRowHasAFiniteGradient() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {0, 0, 0, 3, 4, 0}, 2, 3).requiresGrad(true);
        Tensor y = Functional.l2Normalize(x, 1, 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 0.6, 0.8, 0}, y.toDoubleArray(), 1e-15);
        y.mul(Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 1, 2, 3}, 2, 3)).sum().backward();
        for (double g : x.grad().toDoubleArray()) {
            assertTrue(Double.isFinite(g), "gradient " + g);
        }
    }

    @Test
    void batchNormUpdatesRunningStatisticsWithTheUnbiasedVariance() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {1, 10, 2, 20, 3, 30, 6, 40}, 4, 2);
        Tensor mean = Tensor.zeros(DType.FLOAT64, 2);
        Tensor var = Tensor.ones(DType.FLOAT64, 2);
        Functional.batchNorm(x, mean, var, null, null, true, 0.1, 1e-5);
        // channel 0: mean 3, unbiased var 14/3; channel 1: mean 25, unbiased var 500/3
        assertArrayEquals(new double[] {0.3, 2.5}, mean.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.9 + 0.1 * 14 / 3.0, 0.9 + 0.1 * 500 / 3.0}, var.toDoubleArray(), 1e-12);
    }

    @Test
    void dropoutKeepsTheExpectedFractionAndScalesIt() {
        Tensor x = Tensor.ones(DType.FLOAT64, 200, 100);
        Tensor y = Functional.dropout(x, 0.25, true, new Rng(3));
        double[] v = y.toDoubleArray();
        int kept = 0;
        for (double d : v) {
            assertTrue(d == 0 || Math.abs(d - 1 / 0.75) < 1e-12);
            kept += d == 0 ? 0 : 1;
        }
        assertEquals(0.75, kept / 20000.0, 0.02);
        assertArrayEquals(v, Functional.dropout(x, 0.25, true, new Rng(3)).toDoubleArray(), "same seed, same mask");
    }
}
