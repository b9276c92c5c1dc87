package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lethe.kernels.DType;

/** Graph semantics: accumulation, shared nodes, no-grad, detach, retained graphs, in-place checks. */
class AutogradTest {
    private static Tensor leaf(double... v) {
        return Tensor.of(DType.FLOAT64, v, v.length).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = leaf(1, 2);
        x.mul(3.0).sum().backward();
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void theNextGradientAfterZeroGradReusesTheForgottenTensor() {
        Tensor x = leaf(1, 2);
        x.mul(3.0).sum().backward();
        Tensor first = x.grad();
        x.zeroGrad();
        x.mul(x).sum().backward();                     // d/dx x^2 = 2x
        assertTrue(x.grad() == first, "the forgotten gradient's memory is reused");
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), "and holds only the new gradient");
        x.mul(5.0).sum().backward();
        assertArrayEquals(new double[] {7, 9}, x.grad().toDoubleArray(), "later passes still accumulate");
    }

    @Test
    void aTensorUsedTwiceReceivesBothContributions() {
        Tensor x = leaf(3);
        Tensor y = x.mul(x).add(x);   // y = x^2 + x, dy/dx = 2x + 1
        y.sum().backward();
        assertEquals(7.0, x.grad().item());
        Tensor z = leaf(2);
        Tensor h = z.exp();
        h.mul(h).sum().backward();      // d/dz e^{2z} = 2 e^{2z}
        assertEquals(2 * Math.exp(4), z.grad().item(), 1e-9);
    }

    @Test
    void noGradRecordsNothingAndDetachCutsTheGraph() {
        Tensor x = leaf(1, 2);
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(GradMode.isEnabled());
        Tensor d = x.mul(2.0).detach();
        assertFalse(d.requiresGrad());
        x.mul(d).sum().backward();
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray());
    }

    @Test
    void aFreedGraphCannotBeWalkedTwiceUnlessRetained() {
        Tensor x = leaf(1);
        Tensor y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("was freed by an earlier backward()"), e.getMessage());
        Tensor x2 = leaf(1);
        Tensor y2 = x2.exp().sum();
        Tensor one = Tensor.scalar(1, DType.FLOAT64);
        y2.backward(one, true);
        y2.backward(one, true);
        assertEquals(2 * Math.E, x2.grad().item(), 1e-12);
    }

    @Test
    void changingASavedTensorInPlaceIsDetected() {
        Tensor x = leaf(1, 2);
        Tensor w = Tensor.of(DType.FLOAT64, new double[] {3, 4}, 2);
        Tensor y = x.mul(w).sum();
        w.fill(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("backward of mul: a tensor it saved (shape [2]) was changed in place"),
                e.getMessage());
    }

    @Test
    void castAndTransferPassGradientsBackInTheOriginalType() {
        Tensor x = leaf(1.5, -2);
        Tensor w = Tensor.of(DType.FLOAT32, new double[] {2, 3}, 2);
        x.to(DType.FLOAT32).mul(w).sum().backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        assertArrayEquals(new double[] {2, 3}, x.grad().toDoubleArray());
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = leaf(1);
        Tensor y = x;
        for (int i = 0; i < 20000; i++) {
            y = y.add(1.0);
        }
        y.sum().backward();
        assertEquals(1.0, x.grad().item());
    }

    @Test
    void leafGradientsKeepTheLeafShapeAndType() {
        Tensor w = Tensor.zeros(DType.FLOAT32, 3, 2).requiresGrad(true);
        Tensor x = Tensor.ones(DType.FLOAT32, 5, 3);
        x.matmul(w).sum().backward();
        assertArrayEquals(new int[] {3, 2}, w.grad().shape());
        assertEquals(DType.FLOAT32, w.grad().dtype());
        assertArrayEquals(new float[] {5, 5, 5, 5, 5, 5}, w.grad().toFloatArray());
    }
}
