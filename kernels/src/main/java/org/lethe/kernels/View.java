package org.lethe.kernels;

import java.util.Arrays;

/**
 * A strided window onto a buffer: element {@code (i0, i1, ...)} lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. Strides are in elements and may be 0 (a
 * broadcast dimension). Every primitive of {@link Backend} takes its operands as views, so
 * transposes, slices and broadcasts reach the kernels without copies.
 *
 * <p>The constructor checks that every reachable element lies inside the buffer, so a kernel can
 * never index out of bounds. The arrays are not copied: callers must not change them afterwards.
 */
public record View(Buffer buffer, int offset, int[] shape, int[] strides) {

    public View {
        if (buffer == null) {
            throw new IllegalArgumentException("view: buffer is null");
        }
        if (buffer.isClosed()) {
            throw new IllegalStateException("view: the buffer was closed and cannot be used");
        }
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("view: shape " + Arrays.toString(shape)
                    + " and strides " + Arrays.toString(strides) + " differ in rank");
        }
        long lo = offset;
        long hi = offset;
        boolean empty = false;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("view: negative size in shape " + Arrays.toString(shape));
            }
            if (shape[d] == 0) {
                empty = true;
            }
            long span = (long) (shape[d] - 1) * strides[d];
            if (span < 0) {
                lo += span;
            } else {
                hi += span;
            }
        }
        if (!empty && (lo < 0 || hi >= buffer.length())) {
            throw new IllegalArgumentException("view: shape " + Arrays.toString(shape) + " strides "
                    + Arrays.toString(strides) + " offset " + offset + " reaches elements " + lo + ".." + hi
                    + " outside a buffer of " + buffer.length());
        }
    }

    /** A contiguous row-major view of {@code shape} starting at {@code offset}. */
    public static View contiguous(Buffer buffer, int offset, int... shape) {
        return new View(buffer, offset, shape, contiguousStrides(shape));
    }

    /** Row-major strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s = Math.multiplyExact(s, Math.max(shape[d], 1));
        }
        return strides;
    }

    /** Number of elements of a shape. */
    public static int size(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size(shape);
    }

    public DType dtype() {
        return buffer.dtype();
    }

    /** Whether the elements are laid out row-major without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Offset of the element at a multi-index. */
    public int offsetOf(int... index) {
        int o = offset;
        for (int d = 0; d < index.length; d++) {
            o += index[d] * strides[d];
        }
        return o;
    }

    @Override
    public String toString() {
        return "View" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset
                + " " + buffer.dtype();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && v.buffer == buffer && v.offset == offset && Arrays.equals(v.shape, shape)
                && Arrays.equals(v.strides, strides);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(buffer) * 31 + offset * 17 + Arrays.hashCode(shape) * 7 + Arrays.hashCode(strides);
    }
}
