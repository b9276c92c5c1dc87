package org.lethe.engine;

/**
 * Elements {@code start, start+step, ... < end} of one axis, a view. Negative start/end count from the
 * end. d/dx = zeros with g written into the same slice.
 */
final class Slice extends Function {
    private final int[] inputShape;
    private final int axis;
    private final int start;
    private final int end;
    private final int step;

    private Slice(int[] inputShape, int axis, int start, int end, int step) {
        this.inputShape = inputShape;
        this.axis = axis;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    static Tensor apply(Tensor x, int axis, int start, int end, int step) {
        int a = Shapes.axis("slice", axis, x.rank());
        int size = x.dim(a);
        int s = start < 0 ? start + size : start;
        int e = end < 0 ? end + size : Math.min(end, size);
        if (s < 0 || s > size || e < s) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") does not fit axis " + axis
                    + " of size " + size + " in " + Shapes.str(x.shape()));
        }
        if (step < 1) {
            throw new IllegalArgumentException("slice: step must be at least 1, got " + step);
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        shape[a] = (e - s + step - 1) / step;
        int offset = x.offset() + (shape[a] == 0 ? 0 : s * strides[a]);
        strides[a] *= step;
        Tensor out = new Tensor(x.storage(), offset, shape, strides);
        return needsGraph(x) ? new Slice(x.shape(), a, s, e, step).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor z = Tensor.empty(g.backend(), g.dtype(), inputShape);
        z.slice(axis, start, end, step).copyFrom(g);
        return new Tensor[] {z};
    }
}
