package org.lethe.engine;

import java.util.Arrays;
import org.lethe.kernels.View;

/**
 * The same elements in a new shape: a view whenever strides can express it (always for a contiguous
 * input, and for non-contiguous inputs whose merged or split dimensions are contiguous among
 * themselves, PyTorch's rule), else a view of a contiguous copy. d/dx = g reshaped back.
 */
final class Reshape extends Function {
    private final int[] inputShape;

    private Reshape(int[] inputShape) {
        this.inputShape = inputShape;
    }

    static Tensor apply(Tensor x, int[] shape) {
        if (Arrays.equals(shape, x.shape())) {
            return x;
        }
        int[] strides = x.isContiguous() ? View.contiguousStrides(shape) : viewStrides(x.shape(), x.strides(), shape);
        Tensor src = x;
        if (strides == null) {
            src = x.contiguous();
            strides = View.contiguousStrides(shape);
        }
        Tensor out = new Tensor(src.storage(), src.offset(), shape, strides);
        return needsGraph(src) ? new Reshape(src.shape()).attach(out, src) : out;
    }

    /** Strides that view {@code old} as {@code shape} without copying, or null (PyTorch's computeStride). */
    static int[] viewStrides(int[] old, int[] oldStrides, int[] shape) {
        if (Shapes.size(old) == 0 || old.length == 0) {
            return null;
        }
        int[] out = new int[shape.length];
        int viewD = shape.length - 1;
        int chunkBase = oldStrides[old.length - 1];
        int tensorNumel = 1;
        int viewNumel = 1;
        for (int d = old.length - 1; d >= 0; d--) {
            tensorNumel *= old[d];
            if (d == 0 || (old[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1)) {
                    out[viewD] = viewNumel * chunkBase;
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(inputShape)};
    }
}
