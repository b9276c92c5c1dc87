package org.lethe.engine;

import java.util.Arrays;

/** Shape arithmetic shared by the operations: broadcasting, axis normalisation, formatting. */
final class Shapes {
    private Shapes() {
    }

    /** {@code [2,3]} without spaces, as error messages print shapes. */
    static String str(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    static int size(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** The broadcast of two shapes (NumPy rules), or an error naming the operation. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dimension " + (i - rank) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Whether {@code from} broadcasts to exactly {@code to}. */
    static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int lead = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[i + lead]) {
                return false;
            }
        }
        return true;
    }

    /** Strides that view a tensor of {@code shape}/{@code strides} as {@code target} (0 on broadcast axes). */
    static int[] expandStrides(String op, int[] shape, int[] strides, int[] target) {
        if (!broadcastsTo(shape, target)) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " cannot be expanded to " + str(target));
        }
        int lead = target.length - shape.length;
        int[] out = new int[target.length];
        for (int i = 0; i < shape.length; i++) {
            out[i + lead] = shape[i] == target[i + lead] ? strides[i] : 0;
        }
        return out;
    }

    /** A possibly negative axis made absolute, or an error naming the operation. */
    static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** A mask of the given axes (all axes when {@code axes} is empty), rejecting repeats. */
    static boolean[] axisMask(String op, int[] axes, int rank) {
        boolean[] mask = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int ax : axes) {
            int a = axis(op, ax, rank);
            if (mask[a]) {
                throw new IllegalArgumentException(op + ": axis " + ax + " is repeated in " + Arrays.toString(axes));
            }
            mask[a] = true;
        }
        return mask;
    }

    /** The shape with masked axes set to 1. */
    static int[] keepDims(int[] shape, boolean[] mask) {
        int[] out = shape.clone();
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                out[d] = 1;
            }
        }
        return out;
    }

    /** The shape with masked axes removed. */
    static int[] dropDims(int[] shape, boolean[] mask) {
        int n = 0;
        for (boolean m : mask) {
            n += m ? 0 : 1;
        }
        int[] out = new int[n];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (!mask[d]) {
                out[k++] = shape[d];
            }
        }
        return out;
    }

    /** Product of the masked dimensions. */
    static int count(int[] shape, boolean[] mask) {
        int n = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                n *= shape[d];
            }
        }
        return n;
    }

    static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Sums a gradient of a broadcast shape back to the shape of the input it flowed from: the
     * backward of broadcasting.
     */
    static Tensor sumTo(Tensor g, int[] shape, String op) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        if (!broadcastsTo(shape, gs)) {
            throw new IllegalStateException("backward of " + op + ": gradient of shape " + str(gs)
                    + " does not fit its input of shape " + str(shape));
        }
        int lead = gs.length - shape.length;
        boolean[] mask = new boolean[gs.length];
        boolean any = false;
        for (int d = 0; d < gs.length; d++) {
            mask[d] = d < lead || (shape[d - lead] == 1 && gs[d] != 1);
            any |= mask[d];
        }
        Tensor s = any ? Sum.apply(g, mask) : g;
        return s.reshape(shape);
    }
}
