package org.lethe.engine;

/** Slices at the given indices of one axis (a gather). d/dx = zeros with g added at the indices (a scatter-add). */
final class IndexSelect extends Function {
    private final int[] inputShape;
    private final int axis;
    private final int[] index;

    private IndexSelect(int[] inputShape, int axis, int[] index) {
        this.inputShape = inputShape;
        this.axis = axis;
        this.index = index;
    }

    static Tensor apply(Tensor x, int axis, int[] index) {
        int a = Shapes.axis("index_select", axis, x.rank());
        int size = x.dim(a);
        for (int i : index) {
            if (i < 0 || i >= size) {
                throw new IllegalArgumentException("index_select: index " + i + " out of range for axis " + axis + " of size "
                        + size + " in " + Shapes.str(x.shape()));
            }
        }
        int[] idx = index.clone();
        int[] shape = x.shape();
        shape[a] = idx.length;
        Tensor out = Tensor.output(x.backend(), x.dtype(), shape);
        x.backend().gather(x.view(), a, idx, out.view());
        return needsGraph(x) ? new IndexSelect(x.shape(), a, idx).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor z = Tensor.empty(g.backend(), g.dtype(), inputShape);
        g.backend().scatterAdd(g.view(), axis, index, z.view());
        return new Tensor[] {z};
    }
}
