package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lethe.engine.optim.Adam;
import org.lethe.kernels.DType;

/** Explicit lifetimes: what a scope creates is released when it closes, unless kept or detached. */
class TensorScopeTest {
    @Test
    void scopeReleasesWhatItCreatedButKeepsWhatItIsTold() {
        Tensor outside = Tensor.ones(2);
        Tensor kept;
        Tensor temp;
        try (TensorScope s = TensorScope.open()) {
            temp = outside.mul(2.0);
            kept = s.keep(outside.add(1.0));
            assertEquals(1, s.ownedCount());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, temp::toFloatArray);
        assertEquals("tensor [2] was released when its TensorScope closed", e.getMessage());
        assertArrayEquals(new float[] {2, 2}, kept.toFloatArray());
        assertArrayEquals(new float[] {1, 1}, outside.toFloatArray());
    }

    @Test
    void nestedScopesHandKeptTensorsOutward() {
        Tensor survivor;
        try (TensorScope outer = TensorScope.open()) {
            Tensor mid;
            try (TensorScope inner = TensorScope.open()) {
                mid = inner.keep(Tensor.ones(3));
            }
            assertArrayEquals(new float[] {1, 1, 1}, mid.toFloatArray());
            survivor = outer.keep(mid.mul(4.0));
        }
        assertArrayEquals(new float[] {4, 4, 4}, survivor.toFloatArray());
    }

    @Test
    void gradientsAndOptimiserStateOutliveTheTrainingStepScope() {
        Tensor w = Tensor.of(DType.FLOAT32, new double[] {1, -1}, 2).requiresGrad(true);
        Adam adam = new Adam(List.of(w), 0.1);
        for (int step = 0; step < 3; step++) {
            adam.zeroGrad();
            try (TensorScope s = TensorScope.open()) {
                w.square().sum().backward();
                adam.step();
                assertTrue(s.ownedCount() > 0);
            }
            assertEquals(2, w.grad().numel());
        }
        float[] v = w.toFloatArray();
        assertTrue(v[0] < 1 && v[1] > -1, "parameters moved toward 0: " + v[0] + ", " + v[1]);
    }
}
