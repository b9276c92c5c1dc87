package org.lethe.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.lethe.kernels.UnaryOp;

/**
 * Vector API versions of the elementwise comparisons, used when {@link VectorSupport} finds the API
 * enabled: a compare and a blend per vector, where scalar code mispredicts a branch on every other
 * element of random data. Same results as {@link UnaryOp#apply} (NaN compares false).
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorRows() {
    }

    static boolean handles(UnaryOp op, float s, double scalar) {
        return s == scalar && (op == UnaryOp.HEAVISIDE || op == UnaryOp.GT_SCALAR || op == UnaryOp.GE_SCALAR
                || op == UnaryOp.LT_SCALAR || op == UnaryOp.LE_SCALAR);
    }

    /** {@code y = x OP s ? 1 : 0} (HEAVISIDE is {@code x > 0}). */
    static void compare(UnaryOp op, float s, float[] x, int xo, float[] y, int yo, int n) {
        VectorOperators.Comparison cmp;
        float t = s;
        switch (op) {
            case HEAVISIDE -> {
                cmp = VectorOperators.GT;
                t = 0f;
            }
            case GT_SCALAR -> cmp = VectorOperators.GT;
            case GE_SCALAR -> cmp = VectorOperators.GE;
            case LT_SCALAR -> cmp = VectorOperators.LT;
            default -> cmp = VectorOperators.LE;
        }
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            VectorMask<Float> m = FloatVector.fromArray(S, x, xo + i).compare(cmp, t);
            zero.blend(1f, m).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (float) op.apply(x[xo + i], s);
        }
    }

    /** {@code y = b <= 0 ? 0 : a} ({@link org.lethe.kernels.BinaryOp#RELU_BACKWARD}), a blend per vector. */
    static void reluBackward(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            VectorMask<Float> off = FloatVector.fromArray(S, b, bo + i).compare(VectorOperators.LE, 0f);
            FloatVector.fromArray(S, a, ao + i).blend(zero, off).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = b[bo + i] <= 0f ? 0f : a[ao + i];
        }
    }
}
