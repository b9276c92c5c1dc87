package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.lethe.kernels.DType;

/** Edge cases of the fused linear layer that the op catalogue's shapes do not reach. */
class AffineTest {
    /** An empty batch gives an empty output, and zero gradients for the weight and the bias. */
    @Test
    void anEmptyBatchGivesZeroGradients() {
        for (boolean relu : new boolean[] {false, true}) {
            Rng rng = new Rng(3);
            Tensor x = Tensor.zeros(DType.FLOAT32, 0, 3).requiresGrad(true);
            Tensor w = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 40, 3).requiresGrad(true);
            Tensor b = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 40).requiresGrad(true);
            Tensor y = relu ? Functional.linearRelu(x, w, b) : Functional.linear(x, w, b);
            assertArrayEquals(new int[] {0, 40}, y.shape());
            y.sum().backward();
            assertArrayEquals(new double[120], w.grad().toDoubleArray(), 0.0, "weight gradient, relu " + relu);
            assertArrayEquals(new double[40], b.grad().toDoubleArray(), 0.0, "bias gradient, relu " + relu);
            assertArrayEquals(new int[] {0, 3}, x.grad().shape());
        }
    }
}
