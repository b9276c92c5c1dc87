package org.lethe.kernels;

import java.util.Arrays;

/**
 * The operand checks of the backend contract, shared by every backend so that a misuse gets the
 * same one-line message whichever device runs it. A backend adds only what is its own (the CUDA
 * backend's limits on rank, for example).
 */
public final class Checks {
    private Checks() {
    }

    /** A host copy: {@code [offset, offset+length)} inside the buffer and {@code [arrayOffset, ...)} inside the array. */
    public static void hostRange(String what, Buffer b, int offset, int length, int arrayLength, int arrayOffset) {
        if (offset < 0 || length < 0 || arrayOffset < 0 || (long) offset + length > b.length()
                || (long) arrayOffset + length > arrayLength) {
            throw new IllegalArgumentException(what + ": range [" + offset + ", " + (offset + (long) length)
                    + ") of a buffer of " + b.length() + " / host array range [" + arrayOffset + ", "
                    + (arrayOffset + (long) length) + ") of " + arrayLength);
        }
    }

    /** im2col/col2im: contiguous {@code [N,C,H,W]} images and {@code [N, patchSize, outputSize]} columns. */
    public static void convolution(String op, ConvGeometry g, View image, View cols) {
        int[] img = {g.images(), g.channels(), g.height(), g.width()};
        int[] col = {g.images(), g.patchSize(), g.outputSize()};
        if (!Arrays.equals(image.shape(), img) || !image.isContiguous()) {
            throw new IllegalArgumentException(op + ": image view must be contiguous " + Arrays.toString(img) + ", got " + image);
        }
        if (!Arrays.equals(cols.shape(), col) || !cols.isContiguous()) {
            throw new IllegalArgumentException(op + ": column view must be contiguous " + Arrays.toString(col) + ", got " + cols);
        }
    }

    /** Pooling: contiguous {@code [N,C,H,W]} input and {@code [N,C,outH,outW]} output. */
    public static void pooling(String op, PoolGeometry g, View input, View output) {
        int[] in = {g.images(), g.channels(), g.height(), g.width()};
        int[] out = {g.images(), g.channels(), g.outH(), g.outW()};
        if (!Arrays.equals(input.shape(), in) || !input.isContiguous()) {
            throw new IllegalArgumentException(op + ": input view must be contiguous " + Arrays.toString(in) + ", got " + input);
        }
        if (!Arrays.equals(output.shape(), out) || !output.isContiguous()) {
            throw new IllegalArgumentException(op + ": output view must be contiguous " + Arrays.toString(out) + ", got " + output);
        }
    }

    /**
     * Gather/scatter-add along {@code axis}: the shapes agree off the axis, {@code indexed} has one
     * slice per index on it, and every index lies in {@code [0, bound)}.
     */
    public static void indexing(String op, View src, int axis, int[] index, View dst, View indexed, int bound) {
        if (axis < 0 || axis >= src.rank() || src.rank() != dst.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " invalid for shapes "
                    + Arrays.toString(src.shape()) + " and " + Arrays.toString(dst.shape()));
        }
        for (int d = 0; d < src.rank(); d++) {
            int expected = d == axis ? index.length : src.shape()[d];
            int actual = d == axis ? indexed.shape()[d] : dst.shape()[d];
            if (expected != actual) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(src.shape()) + " and "
                        + Arrays.toString(dst.shape()) + " do not fit " + index.length + " indices on axis " + axis);
            }
        }
        for (int i : index) {
            if (i < 0 || i >= bound) {
                throw new IllegalArgumentException(op + ": index " + i + " out of range [0, " + bound + ") on axis " + axis);
            }
        }
    }

    /** LSTM cell operands: contiguous {@code [n, hidden]} or {@code [n, 4*hidden]} (null ones are skipped). */
    public static void lstmCell(String op, int n, int hidden, View... views) {
        for (View x : views) {
            if (x == null) {
                continue;
            }
            int cols = x.rank() == 2 ? x.shape()[1] : -1;
            if (x.rank() != 2 || x.shape()[0] != n || (cols != hidden && cols != 4 * hidden) || !x.isContiguous()) {
                throw new IllegalArgumentException(op + ": operand " + x + " does not fit [" + n + ", " + hidden + "] or ["
                        + n + ", " + 4 * hidden + "] contiguous");
            }
        }
    }

    /**
     * Checks that the views of an elementwise primitive have one shape, with a one-line message naming
     * the primitive and every shape; every backend's check of its operands.
     */
    public static void sameShape(String op, View... views) {
        for (int k = 1; k < views.length; k++) {
            if (!Arrays.equals(views[0].shape(), views[k].shape())) {
                StringBuilder sb = new StringBuilder(op).append(": operand shapes differ:");
                for (View v : views) {
                    sb.append(' ').append(Arrays.toString(v.shape()));
                }
                throw new IllegalArgumentException(sb.toString());
            }
        }
    }
}
