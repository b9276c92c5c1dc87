package org.lethe.engine;

import java.util.Arrays;
import org.lethe.kernels.View;

/** The same elements in a new shape: a view of a contiguous input, else of a contiguous copy. d/dx = g reshaped back. */
final class Reshape extends Function {
    private final int[] inputShape;

    private Reshape(int[] inputShape) {
        this.inputShape = inputShape;
    }

    static Tensor apply(Tensor x, int[] shape) {
        if (Arrays.equals(shape, x.shape())) {
            return x;
        }
        Tensor src = x.contiguous();
        Tensor out = new Tensor(src.storage(), src.offset(), shape, View.contiguousStrides(shape));
        return needsGraph(src) ? new Reshape(src.shape()).attach(out, src) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(inputShape)};
    }
}
