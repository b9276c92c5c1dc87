package org.lethe.kernels;

import java.util.Arrays;

/**
 * A reduction's axes ({@link Backend#reduce}): the source and destination have one rank, and each
 * destination axis either matches the source's (kept) or is 1 (reduced). The kept axes with their
 * source and destination strides, and the reduced ones with their source strides, in order; every
 * backend splits a reduction this way, and a misuse gets the same one-line message on each.
 */
public record ReduceAxes(int[] keptShape, int[] keptSrc, int[] keptDst, int[] redShape, int[] redSrc) {

    public static ReduceAxes of(View src, View dst) {
        int rank = src.rank();
        if (dst.rank() != rank) {
            throw new IllegalArgumentException("reduce: source " + Arrays.toString(src.shape()) + " and destination "
                    + Arrays.toString(dst.shape()) + " differ in rank");
        }
        int kept = 0;
        for (int d = 0; d < rank; d++) {
            if (dst.shape()[d] == src.shape()[d]) {
                kept++;
            } else if (dst.shape()[d] != 1) {
                throw new IllegalArgumentException("reduce: destination " + Arrays.toString(dst.shape())
                        + " must match source " + Arrays.toString(src.shape()) + " or be 1 on each axis");
            }
        }
        int[] keptShape = new int[kept];
        int[] keptSrc = new int[kept];
        int[] keptDst = new int[kept];
        int[] redShape = new int[rank - kept];
        int[] redSrc = new int[rank - kept];
        for (int d = 0, k = 0, r = 0; d < rank; d++) {
            if (dst.shape()[d] == src.shape()[d]) {
                keptShape[k] = src.shape()[d];
                keptSrc[k] = src.strides()[d];
                keptDst[k++] = dst.strides()[d];
            } else {
                redShape[r] = src.shape()[d];
                redSrc[r++] = src.strides()[d];
            }
        }
        return new ReduceAxes(keptShape, keptSrc, keptDst, redShape, redSrc);
    }

    /** The number of kept axes. */
    public int kept() {
        return keptShape.length;
    }
}
