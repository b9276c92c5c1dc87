package org.lethe.engine;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A plain row-major array of doubles for writing obviously correct reference implementations in
 * tests: every operation is a loop over multi-indices, with no strides, views or sharing.
 */
final class NdArray {
    final int[] shape;
    final double[] data;

    NdArray(int[] shape, double[] data) {
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        this.data = data;
    }

    static NdArray zeros(int... shape) {
        return new NdArray(shape, new double[Shapes.size(shape)]);
    }

    static NdArray of(Tensor t) {
        return new NdArray(t.shape(), t.toDoubleArray());
    }

    int rank() {
        return shape.length;
    }

    int size() {
        return data.length;
    }

    int flat(int[] idx) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            o = o * shape[d] + idx[d];
        }
        return o;
    }

    double get(int... idx) {
        return data[flat(idx)];
    }

    void set(double v, int... idx) {
        data[flat(idx)] = v;
    }

    int[] index(int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Element at the broadcast position of {@code idx} (an index into a larger shape). */
    double broadcastGet(int[] idx) {
        int lead = idx.length - shape.length;
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            o = o * shape[d] + (shape[d] == 1 ? 0 : idx[d + lead]);
        }
        return data[o];
    }

    NdArray map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new NdArray(shape, out);
    }

    NdArray zip(NdArray o, DoubleBinaryOperator f) {
        int[] s = Shapes.broadcast("ref", shape, o.shape);
        NdArray out = zeros(s);
        for (int i = 0; i < out.size(); i++) {
            int[] idx = out.index(i);
            out.data[i] = f.applyAsDouble(broadcastGet(idx), o.broadcastGet(idx));
        }
        return out;
    }

    NdArray reshape(int... s) {
        return new NdArray(s, data.clone());
    }

    NdArray expand(int... s) {
        NdArray out = zeros(s);
        for (int i = 0; i < out.size(); i++) {
            out.data[i] = broadcastGet(out.index(i));
        }
        return out;
    }

    /** Fold over the given axes (all if empty) starting from {@code init}. */
    NdArray reduce(int[] axes, boolean keep, double init, DoubleBinaryOperator f) {
        boolean[] mask = Shapes.axisMask("ref", axes, rank());
        int[] ks = Shapes.keepDims(shape, mask);
        NdArray out = zeros(ks);
        Arrays.fill(out.data, init);
        for (int i = 0; i < size(); i++) {
            int[] idx = index(i);
            for (int d = 0; d < idx.length; d++) {
                if (mask[d]) {
                    idx[d] = 0;
                }
            }
            int o = out.flat(idx);
            out.data[o] = f.applyAsDouble(out.data[o], data[i]);
        }
        return keep ? out : out.reshape(Shapes.dropDims(shape, mask));
    }

    NdArray sum(int[] axes, boolean keep) {
        return reduce(axes, keep, 0, Double::sum);
    }

    NdArray permute(int... order) {
        int[] s = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = shape[order[i]];
        }
        NdArray out = zeros(s);
        for (int i = 0; i < out.size(); i++) {
            int[] oi = out.index(i);
            int[] ii = new int[order.length];
            for (int d = 0; d < order.length; d++) {
                ii[order[d]] = oi[d];
            }
            out.data[i] = get(ii);
        }
        return out;
    }

    NdArray matmul(NdArray b) {
        int m = shape[rank() - 2];
        int k = shape[rank() - 1];
        int n = b.shape[b.rank() - 1];
        int[] batch = Shapes.broadcast("ref", Arrays.copyOf(shape, rank() - 2), Arrays.copyOf(b.shape, b.rank() - 2));
        NdArray out = zeros(Shapes.concat(batch, m, n));
        for (int i = 0; i < out.size(); i++) {
            int[] idx = out.index(i);
            double acc = 0;
            for (int p = 0; p < k; p++) {
                int[] ai = idx.clone();
                ai[ai.length - 1] = p;
                int[] bi = idx.clone();
                bi[bi.length - 2] = p;
                acc += broadcastGet(ai) * b.broadcastGet(bi);
            }
            out.data[i] = acc;
        }
        return out;
    }

    /** Elements along {@code axis} taken from the given positions. */
    NdArray select(int axis, int[] positions) {
        int[] s = shape.clone();
        s[axis] = positions.length;
        NdArray out = zeros(s);
        for (int i = 0; i < out.size(); i++) {
            int[] idx = out.index(i);
            idx[axis] = positions[idx[axis]];
            out.data[i] = get(idx);
        }
        return out;
    }

    NdArray round32() {
        return map(v -> (double) (float) v);
    }
}
