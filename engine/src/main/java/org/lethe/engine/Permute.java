package org.lethe.engine;

/** Dimensions reordered, a view: out dim i = in dim order[i]. d/dx = g permuted by the inverse order. */
final class Permute extends Function {
    private final int[] inverse;

    private Permute(int[] inverse) {
        this.inverse = inverse;
    }

    static Tensor apply(Tensor x, int[] order) {
        int r = x.rank();
        if (order.length != r) {
            throw new IllegalArgumentException("permute: order of " + order.length + " axes for a tensor of shape "
                    + Shapes.str(x.shape()));
        }
        int[] inverse = new int[r];
        boolean[] seen = new boolean[r];
        int[] shape = new int[r];
        int[] strides = new int[r];
        int[] inShape = x.shape();
        int[] inStrides = x.strides();
        for (int i = 0; i < r; i++) {
            int a = Shapes.axis("permute", order[i], r);
            if (seen[a]) {
                throw new IllegalArgumentException("permute: axis " + order[i] + " is repeated in " + Shapes.str(order));
            }
            seen[a] = true;
            inverse[a] = i;
            shape[i] = inShape[a];
            strides[i] = inStrides[a];
        }
        Tensor out = new Tensor(x.storage(), x.offset(), shape, strides);
        return needsGraph(x) ? new Permute(inverse).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.permute(inverse)};
    }
}
