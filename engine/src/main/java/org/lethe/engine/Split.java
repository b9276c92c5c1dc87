package org.lethe.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive pieces along one axis, as views: one node with several outputs, so that using every
 * time step of a sequence costs one gradient buffer in backward, not one per step.
 * d/dx = the outputs' gradients placed side by side (zeros where an output received none).
 */
final class Split extends Function {
    private final int[] inputShape;
    private final int axis;
    private final int[] starts;
    private final int[] sizes;

    private Split(int[] inputShape, int axis, int[] starts, int[] sizes) {
        this.inputShape = inputShape;
        this.axis = axis;
        this.starts = starts;
        this.sizes = sizes;
    }

    static List<Tensor> apply(Tensor x, int axis, int[] sizes) {
        int a = Shapes.axis("split", axis, x.rank());
        int[] starts = new int[sizes.length];
        int total = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0) {
                throw new IllegalArgumentException("split: negative size in " + Shapes.str(sizes));
            }
            starts[i] = total;
            total += sizes[i];
        }
        if (total != x.dim(a)) {
            throw new IllegalArgumentException("split: sizes " + Shapes.str(sizes) + " add up to " + total + ", not the "
                    + x.dim(a) + " of axis " + axis + " in " + Shapes.str(x.shape()));
        }
        Tensor[] outs = new Tensor[sizes.length];
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int i = 0; i < sizes.length; i++) {
                outs[i] = x.slice(a, starts[i], starts[i] + sizes[i]);
            }
        }
        if (needsGraph(x)) {
            new Split(x.shape(), a, starts, sizes.clone()).attachAll(outs, x);
        }
        return new ArrayList<>(List.of(outs));
    }

    @Override
    Tensor[] backward(Tensor grad) {
        throw new AssertionError("split has several outputs");
    }

    @Override
    Tensor[] backwardAll(Tensor[] grads) {
        Tensor z = Tensor.empty(grads[firstGiven(grads)].backend(), grads[firstGiven(grads)].dtype(), inputShape);
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null && sizes[i] > 0) {
                z.slice(axis, starts[i], starts[i] + sizes[i]).copyFrom(grads[i]);
            }
        }
        return new Tensor[] {z};
    }

    private static int firstGiven(Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null) {
                return i;
            }
        }
        throw new AssertionError("backward reached split without a gradient");
    }
}
