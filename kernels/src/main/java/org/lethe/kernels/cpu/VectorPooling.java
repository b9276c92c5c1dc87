package org.lethe.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.lethe.kernels.PoolGeometry;

/** Max pooling with the Vector API; loaded only where {@link VectorSupport} finds it enabled. */
final class VectorPooling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorPooling() {
    }

    /** Outputs per vector. */
    static int width() {
        return S.length();
    }

    /**
     * {@link CpuPooling}'s 2x2 rule a vector of outputs at a time across the plane's rows: the four corners of
     * each window are gathered, and the same comparisons as the scalar rule choose the value and its
     * offset (the first maximum; a vector with a NaN, an infinity or an overflowing sum is done by the
     * scalar rule), so values and indices are the scalar ones bit for bit.
     */
    static void maxTwoByTwo(PoolGeometry g, CpuPooling.Corners corners, float[] x, int base, float[] out, float[] idx,
                    int ob) {
        int n = g.outH() * g.outW();
        int w = g.width();
        int[] at = corners.at();
        float[] atF = corners.atF();
        int l = S.length();
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        FloatVector down = FloatVector.broadcast(S, (float) w);
        FloatVector downRight = FloatVector.broadcast(S, (float) (w + 1));
        int o = 0;
        for (; o + l <= n; o += l) {
            FloatVector a0 = FloatVector.fromArray(S, x, base, at, o);
            FloatVector b0 = FloatVector.fromArray(S, x, base + 1, at, o);
            FloatVector c0 = FloatVector.fromArray(S, x, base + w, at, o);
            FloatVector d0 = FloatVector.fromArray(S, x, base + w + 1, at, o);
            FloatVector a = a0.add(0f);
            FloatVector b = b0.add(0f);
            FloatVector c = c0.add(0f);
            FloatVector d = d0.add(0f);
            if (!a.add(b).add(c).add(d).abs().compare(VectorOperators.LE, Float.MAX_VALUE).allTrue()) {
                for (int e = o; e < o + l; e++) {
                    CpuPooling.maxCorner(x, base, at[e], w, out, idx, ob + e);
                }
                continue;
            }
            VectorMask<Float> right1 = a.compare(VectorOperators.LT, b);
            VectorMask<Float> right2 = c.compare(VectorOperators.LT, d);
            VectorMask<Float> lower = a.max(b).compare(VectorOperators.LT, c.max(d));
            a0.blend(b0, right1).blend(c0.blend(d0, right2), lower).intoArray(out, ob + o);
            FloatVector step = zero.blend(one, right1).blend(down.blend(downRight, right2), lower);
            FloatVector.fromArray(S, atF, o).add(step).intoArray(idx, ob + o);
        }
        for (; o < n; o++) {
            CpuPooling.maxCorner(x, base, at[o], w, out, idx, ob + o);
        }
    }
}
