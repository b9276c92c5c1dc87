package org.lethe.kernels.cuda;

import java.util.Arrays;
import org.lethe.kernels.View;

/**
 * The structs through which views reach the kernels (common.cuh and the kernel files declare the
 * same members in the same order): dimensions of size 1 dropped and neighbours merged where they
 * are contiguous in every operand, as the CPU backend's StridedLoop does, so the kernels index with
 * as few divisions as the layout allows.
 */
final class Layouts {
    /** LETHE_MAX_RANK in common.cuh. */
    static final int MAX_RANK = 8;
    /** Members of {@code struct Layout}: rank, shape[8], stride[3][8]. */
    static final int LAYOUT_INTS = 1 + MAX_RANK + 3 * MAX_RANK;

    private Layouts() {
    }

    /** A merged shape and one stride array per operand. */
    record Merged(int[] shape, int[][] strides, int size) {
        int rank() {
            return shape.length;
        }
    }

    /** Merges {@code shape} as walked through operands with {@code strides[k]}; size 0 when the shape is empty. */
    static Merged merge(int[] shape, int[][] strides) {
        int operands = strides.length;
        int rank = shape.length;
        int[] s = new int[rank];
        int[][] st = new int[operands][rank];
        int r = 0;
        int size = 1;
        for (int d = 0; d < rank; d++) {
            size = Math.multiplyExact(size, shape[d]);
            if (shape[d] == 1) {
                continue;
            }
            boolean join = r > 0;
            for (int k = 0; k < operands && join; k++) {
                join = st[k][r - 1] == (long) strides[k][d] * shape[d];
            }
            if (join) {
                s[r - 1] *= shape[d];
                for (int k = 0; k < operands; k++) {
                    st[k][r - 1] = strides[k][d];
                }
            } else {
                s[r] = shape[d];
                for (int k = 0; k < operands; k++) {
                    st[k][r] = strides[k][d];
                }
                r++;
            }
        }
        int[][] out = new int[operands][];
        for (int k = 0; k < operands; k++) {
            out[k] = Arrays.copyOf(st[k], r);
        }
        return new Merged(Arrays.copyOf(s, r), out, size);
    }

    static Merged merge(int[] shape, View... views) {
        int[][] strides = new int[views.length][];
        for (int k = 0; k < views.length; k++) {
            strides[k] = views[k].strides();
        }
        return merge(shape, strides);
    }

    /** {@code struct Layout} for up to three operands. */
    static int[] layout(String op, Merged m) {
        if (m.rank() > MAX_RANK) {
            throw new IllegalArgumentException(op + ": the CUDA backend handles views of at most " + MAX_RANK
                    + " dimensions that cannot be merged, got shape " + Arrays.toString(m.shape()));
        }
        int[] s = new int[LAYOUT_INTS];
        s[0] = m.rank();
        for (int d = 0; d < m.rank(); d++) {
            s[1 + d] = m.shape()[d];
            for (int k = 0; k < m.strides().length; k++) {
                s[1 + MAX_RANK + k * MAX_RANK + d] = m.strides()[k][d];
            }
        }
        return s;
    }
}
