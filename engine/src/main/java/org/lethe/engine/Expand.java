package org.lethe.engine;

/**
 * Broadcast to a larger shape without copying (stride 0 on new and size-1 axes; -1 keeps a size).
 * d/dx = g summed over the expanded axes (done by the caller's broadcast reduction).
 */
final class Expand extends Function {
    static Tensor apply(Tensor x, int[] newShape) {
        int[] target = newShape.clone();
        int lead = target.length - x.rank();
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1) {
                if (d < lead) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for the new leading axis " + d);
                }
                target[d] = x.dim(d - lead);
            }
        }
        int[] strides = Shapes.expandStrides("expand", x.shape(), x.strides(), target);
        Tensor out = new Tensor(x.storage(), x.offset(), target, strides);
        return needsGraph(x) ? new Expand().attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g};
    }
}
