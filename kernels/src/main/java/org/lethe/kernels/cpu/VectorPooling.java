package org.lethe.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2x2, stride 2 max pooling of one float plane a vector at a time, for the Vector API path: the
 * scalar kernel's values and indices ({@link CpuPooling}'s first maximum in row-major order), without
 * gathers (which allocate on JDK 17). Two passes over plane-sized scratch:
 * <ol>
 *   <li>pairs: the plane's values taken two by two ({@code x[2i], x[2i+1]}, the left and right of a
 *       window's row; a row of even width never splits a pair) give the larger of each pair, the left
 *       one on a tie, and which one it was. A vector of pairs is swapped lane by lane, compared with
 *       itself, and its even lanes gathered into one half by a lane shuffle;</li>
 *   <li>rows: pair row {@code r} against pair row {@code r + 1} ({@code outW} further on), for every
 *       pair row at once; the even rows' results are the windows', copied to the output row by row.</li>
 * </ol>
 * A NaN anywhere in the plane sends it to the scalar kernel (the first NaN wins there).
 */
final class VectorPooling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane 2i and 2i + 1 exchanged. */
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(S, i -> i ^ 1);
    /** The even lanes into the lower half (and again into the upper one). */
    private static final VectorShuffle<Float> EVEN_LOW = VectorShuffle.fromOp(S, i -> 2 * i % L);
    /** The even lanes into the upper half (and again into the lower one). */
    private static final VectorShuffle<Float> EVEN_HIGH = VectorShuffle.fromOp(S, i -> (2 * i + L) % L);
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, -1L << (L / 2));
    private static final ThreadScratch SCRATCH = new ThreadScratch(4);

    private VectorPooling() {
    }

    /** Whether {@link #maxTwoByTwo} takes planes of this width: an even one, so that no pair of values spans two rows. */
    static boolean handles(int width) {
        return width % 2 == 0 && L >= 4;
    }

    private static float[] scratch(int slot, int size) {
        return SCRATCH.floats(slot, size);
    }

    /**
     * The 2x2 maxima of the {@code height x width} plane at {@code x[base]} into {@code out[ob]} and
     * their offsets within the plane into {@code idx[ob]}; false, with nothing written, if the plane
     * holds a NaN.
     */
    static boolean maxTwoByTwo(int height, int width, float[] x, int base, float[] out, float[] idx, int ob) {
        int outH = height / 2;
        int outW = width / 2;
        int pairs = outH * width; // the pair rows of the windows: 2 * outH rows of outW pairs
        float[] pm = scratch(0, pairs);
        float[] ps = scratch(1, pairs);
        float[] rm = scratch(2, pairs);
        float[] ri = scratch(3, pairs);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        int in = base;
        for (; i + L <= pairs; i += L, in += 2 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, in);
            FloatVector v1 = FloatVector.fromArray(S, x, in + L);
            // a NaN ends the vector pass here (a mask carried across iterations would be a receiver whose
            // type the JIT may not know, and box: see VectorRows)
            if (v0.compare(VectorOperators.NE, v0).or(v1.compare(VectorOperators.NE, v1)).anyTrue()) {
                return false;
            }
            FloatVector s0 = v0.rearrange(SWAP);
            FloatVector s1 = v1.rearrange(SWAP);
            VectorMask<Float> right0 = s0.compare(VectorOperators.GT, v0);
            VectorMask<Float> right1 = s1.compare(VectorOperators.GT, v1);
            v0.blend(s0, right0).rearrange(EVEN_LOW).blend(v1.blend(s1, right1).rearrange(EVEN_HIGH), HIGH)
                    .intoArray(pm, i);
            zero.blend(one, right0).rearrange(EVEN_LOW).blend(zero.blend(one, right1).rearrange(EVEN_HIGH), HIGH)
                    .intoArray(ps, i);
        }
        for (; i < pairs; i++, in += 2) {
            float a = x[in];
            float b = x[in + 1];
            if (a != a || b != b) {
                return false;
            }
            boolean right = b > a;
            pm[i] = right ? b : a;
            ps[i] = right ? 1f : 0f;
        }
        // pair row r against r + 1, for all rows at once: element j (row j / outW, column j % outW)
        // has the window offset (j / outW) * width + 2 * (j % outW) when its row is even
        int rows = pairs - outW;
        int j = 0;
        FloatVector w = FloatVector.broadcast(S, (float) width);
        for (; j + L <= rows; j += L) {
            FloatVector top = FloatVector.fromArray(S, pm, j);
            FloatVector bottom = FloatVector.fromArray(S, pm, j + outW);
            VectorMask<Float> lower = bottom.compare(VectorOperators.GT, top);
            top.blend(bottom, lower).intoArray(rm, j);
            FloatVector.fromArray(S, ps, j).blend(FloatVector.fromArray(S, ps, j + outW).add(w), lower).intoArray(ri, j);
        }
        for (; j < rows; j++) {
            boolean lower = pm[j + outW] > pm[j];
            rm[j] = lower ? pm[j + outW] : pm[j];
            ri[j] = lower ? ps[j + outW] + width : ps[j];
        }
        for (int y = 0; y < outH; y++) {
            int r = 2 * y * outW;
            int o = ob + y * outW;
            int corner = 2 * y * width;
            for (int c = 0; c < outW; c++) {
                out[o + c] = rm[r + c];
                idx[o + c] = corner + 2 * c + ri[r + c];
            }
        }
        return true;
    }
}
