package org.lethe.engine;

import java.util.List;

/** Tensors joined along one axis. d/dx_i = the slice of g that x_i filled. */
final class Concat extends Function {
    private final int axis;
    private final int[] starts;
    private final int[] sizes;

    private Concat(int axis, int[] starts, int[] sizes) {
        this.axis = axis;
        this.starts = starts;
        this.sizes = sizes;
    }

    static Tensor apply(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Tensor first = tensors.get(0);
        int a = Shapes.axis("concat", axis, first.rank());
        int[] starts = new int[tensors.size()];
        int[] sizes = new int[tensors.size()];
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Kernels.checkCompatible("concat", first, t);
            boolean fits = t.rank() == first.rank();
            for (int d = 0; fits && d < t.rank(); d++) {
                fits = d == a || t.dim(d) == first.dim(d);
            }
            if (!fits) {
                throw new IllegalArgumentException("concat: shapes " + Shapes.str(first.shape()) + " and "
                        + Shapes.str(t.shape()) + " differ outside axis " + axis);
            }
            starts[i] = total;
            sizes[i] = t.dim(a);
            total += sizes[i];
        }
        int[] shape = first.shape();
        shape[a] = total;
        Tensor out = Tensor.output(first.backend(), first.dtype(), shape);
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (int i = 0; i < tensors.size(); i++) {
                if (sizes[i] > 0) {
                    out.slice(a, starts[i], starts[i] + sizes[i]).copyFrom(tensors.get(i));
                }
            }
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return needsGraph(inputs) ? new Concat(a, starts, sizes).attach(out, inputs) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor[] grads = new Tensor[starts.length];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = needsInputGrad(i) ? g.slice(axis, starts[i], starts[i] + sizes[i]) : null;
        }
        return grads;
    }
}
