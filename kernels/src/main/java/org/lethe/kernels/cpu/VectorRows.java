package org.lethe.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.lethe.kernels.UnaryOp;

/**
 * Vector API versions of row loops, used when {@link VectorSupport} finds the API enabled, each with
 * its scalar version's results: the elementwise comparisons (a compare and a blend per vector, where
 * scalar code mispredicts a branch on every other element of random data; NaN compares false, as
 * {@link UnaryOp#apply}), ReLU, sums and column sums in double, the Adam update and the LSTM cell and
 * its adjoint.
 *
 * <p>Inside a loop, a vector carried from one iteration to the next is only passed as an argument,
 * never used as the receiver of a call ({@code x.add(acc)}, not {@code acc.add(x)}): when the JIT
 * compiles the loop, such a receiver has the static type {@code DoubleVector}, so the call is bound
 * through the type profile of the Vector API's own call sites, which is sometimes empty; the call
 * then stays virtual, is not intrinsified, and boxes its vectors. In 5 of 8 runs the CNN step's sums
 * did so (58 MB per step, and a slower step). After the loop (the final reduction, the rounding of
 * column sums) the carried vector is still a receiver, once per call; making it an argument there by
 * a blend onto a fresh vector allocated more, not less.
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Doubles in a preferred vector, and floats in half its width: one float vector widens to one double vector. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class,
            VectorShape.forBitSize(Math.max(64, D.vectorBitSize() / 2)));

    private VectorRows() {
    }

    /**
     * {@code acc} plus the sum of {@code x[xo + i]} for {@code i < n}, in double: floats widened a
     * vector at a time into two double accumulators (lane {@code j} of each sums the elements
     * {@code j} apart by whole vectors), reduced across lanes at the end, then the rest in index
     * order. The order depends only on {@code n}. {@link FloatRows#sum} is the scalar version.
     */
    static double sum(float[] x, int xo, int n, double acc) {
        int l = HALF.length();
        int i = 0;
        if (HALF.length() == D.length() && n >= 2 * l) {
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (; i + 2 * l <= n; i += 2 * l) {
                // the loop-carried sums are arguments, never receivers (see the class comment)
                a0 = widen(x, xo + i).add(a0);
                a1 = widen(x, xo + i + l).add(a1);
            }
            acc += a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            acc += x[xo + i];
        }
        return acc;
    }

    /**
     * Elements {@code lo..hi} of the Adam update without weight decay and AMSGrad, as
     * {@link CpuFused#adamF32}: floats widened to double a vector at a time, the same IEEE operations
     * (add, multiply, divide, square root, each correctly rounded in a lane as in scalar code, with no
     * fused multiply-add) in the same order, each result rounded to float once; so the values are those
     * of the scalar loop, which does the remaining elements. Returns the first element not done.
     */
    static int adam(int lo, int hi, double b1, double b2, double eps, double lrOverBias1, double sqrtBias2,
                    float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo) {
        if (HALF.length() != D.length()) {
            return lo;
        }
        int l = D.length();
        double c1 = 1 - b1;
        double c2 = 1 - b2;
        int i = lo;
        for (; i + l <= hi; i += l) {
            DoubleVector gi = widen(g, go + i);
            DoubleVector mi = widen(m, mo + i).mul(b1).add(gi.mul(c1));
            DoubleVector vi = widen(v, vo + i).mul(b2).add(gi.mul(c2).mul(gi));
            DoubleVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtBias2).add(eps);
            DoubleVector pi = widen(p, po + i);
            narrow(pi.sub(mi.mul(lrOverBias1).div(denom)), p, po + i);
            narrow(mi, m, mo + i);
            narrow(vi, v, vo + i);
        }
        return i;
    }

    private static DoubleVector widen(float[] x, int at) {
        return (DoubleVector) FloatVector.fromArray(HALF, x, at).castShape(D, 0);
    }

    private static void narrow(DoubleVector x, float[] to, int at) {
        ((FloatVector) x.castShape(HALF, 0)).intoArray(to, at);
    }

    /**
     * {@code y = max(x, 0)} a vector at a time, as {@link FloatRows#relu}: the lanewise maximum has
     * {@link Math#max}'s semantics (NaN stays NaN, -0 becomes +0); the rest in scalar code.
     */
    static void relu(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
        }
        FloatRows.relu(x, xo + i, y, yo + i, n - i);
    }

    /** {@code y[yo + i] += x[xo + i]} for {@code i < n}, a vector at a time, then the rest in scalar code. */
    static void addTo(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, y, yo + i).add(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += x[xo + i];
        }
    }

    /**
     * {@code acc[i] += x[xo + i]} in double for the whole vectors of {@code i < n} (floats widened a
     * vector at a time; each element's sum is the scalar one); returns how many were done.
     */
    static int addWidened(float[] x, int xo, double[] acc, int n) {
        if (HALF.length() != D.length()) {
            return 0;
        }
        int l = D.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            DoubleVector.fromArray(D, acc, i).add(widen(x, xo + i)).intoArray(acc, i);
        }
        return i;
    }

    /**
     * Column sums of {@code rows} rows ({@code cols} apart from {@code off}) for the columns
     * {@code [lo, hi)}, into {@code out[oOff + j]}, in strips of four double vectors kept in registers
     * over all rows (an accumulator array's load and store per row and vector cost as much as the
     * sum: a tenth of the LSTM step). Each column adds its rows in order from 0, in double, and is
     * rounded to float once, as the scalar loop does. Returns the first column not done.
     */
    static int columnSums(float[] a, int off, int cols, int rows, int lo, int hi, float[] out, int oOff) {
        if (HALF.length() != D.length()) {
            return lo;
        }
        int l = D.length();
        int j = lo;
        for (; j + 4 * l <= hi; j += 4 * l) {
            DoubleVector s0 = DoubleVector.zero(D);
            DoubleVector s1 = DoubleVector.zero(D);
            DoubleVector s2 = DoubleVector.zero(D);
            DoubleVector s3 = DoubleVector.zero(D);
            for (int r = 0, base = off + j; r < rows; r++, base += cols) {
                s0 = widen(a, base).add(s0);
                s1 = widen(a, base + l).add(s1);
                s2 = widen(a, base + 2 * l).add(s2);
                s3 = widen(a, base + 3 * l).add(s3);
            }
            narrow(s0, out, oOff + j);
            narrow(s1, out, oOff + j + l);
            narrow(s2, out, oOff + j + 2 * l);
            narrow(s3, out, oOff + j + 3 * l);
        }
        return j;
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

    private static FloatVector sigmoid(FloatVector x) {
        // 1 / (1 + e^-x): e^-x overflows to infinity below x = -88, which gives exactly 0
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(one.add(x.neg().lanewise(VectorOperators.EXP)));
    }

    /**
     * One row of the fused LSTM cell ({@code CpuFused.lstmCell}) for float32, a vector of hidden units
     * at a time with the vector exponential and tanh; the units beyond the last whole vector use the
     * scalar formulas. Results differ from the scalar kernel by rounding only.
     */
    static void lstmCellRow(int hidden, float[] g, int g0, float[] cp, int cp0, float[] a, int a0, float[] c, int c0,
                            float[] t, int t0, float[] h, int h0) {
        int k = 0;
        int bound = S.loopBound(hidden);
        for (; k < bound; k += S.length()) {
            FloatVector i = sigmoid(FloatVector.fromArray(S, g, g0 + k));
            FloatVector f = sigmoid(FloatVector.fromArray(S, g, g0 + hidden + k));
            FloatVector gg = FloatVector.fromArray(S, g, g0 + 2 * hidden + k).lanewise(VectorOperators.TANH);
            FloatVector o = sigmoid(FloatVector.fromArray(S, g, g0 + 3 * hidden + k));
            i.intoArray(a, a0 + k);
            f.intoArray(a, a0 + hidden + k);
            gg.intoArray(a, a0 + 2 * hidden + k);
            o.intoArray(a, a0 + 3 * hidden + k);
            FloatVector cNew = f.fma(FloatVector.fromArray(S, cp, cp0 + k), i.mul(gg));
            cNew.intoArray(c, c0 + k);
            FloatVector tc = cNew.lanewise(VectorOperators.TANH);
            tc.intoArray(t, t0 + k);
            o.mul(tc).intoArray(h, h0 + k);
        }
        CpuFused.lstmCellUnits(k, hidden, g, g0, cp, cp0, a, a0, c, c0, t, t0, h, h0);
    }

    /**
     * One row of the LSTM cell's adjoint ({@link CpuFused#lstmCellBackwardUnits}) a vector of units at
     * a time: the same float operations in the same order (no fused multiply-add), so the values are
     * the scalar code's. Returns the first unit not done.
     */
    static int lstmCellBackwardRow(int hidden, float[] a, int a0, float[] cp, int cp0, float[] tt, int t0, float[] dhs,
                                   int dh0, float[] dcs, int dc0, float[] gg, int q0, float[] gcp, int gcp0) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int k = 0;
        int bound = S.loopBound(hidden);
        for (; k < bound; k += S.length()) {
            FloatVector i = FloatVector.fromArray(S, a, a0 + k);
            FloatVector f = FloatVector.fromArray(S, a, a0 + hidden + k);
            FloatVector g = FloatVector.fromArray(S, a, a0 + 2 * hidden + k);
            FloatVector o = FloatVector.fromArray(S, a, a0 + 3 * hidden + k);
            FloatVector t = FloatVector.fromArray(S, tt, t0 + k);
            FloatVector dh = dhs == null ? zero : FloatVector.fromArray(S, dhs, dh0 + k);
            FloatVector dc = (dcs == null ? zero : FloatVector.fromArray(S, dcs, dc0 + k)).add(dh.mul(o).mul(one.sub(t.mul(t))));
            dc.mul(g).mul(i).mul(one.sub(i)).intoArray(gg, q0 + k);
            dc.mul(FloatVector.fromArray(S, cp, cp0 + k)).mul(f).mul(one.sub(f)).intoArray(gg, q0 + hidden + k);
            dc.mul(i).mul(one.sub(g.mul(g))).intoArray(gg, q0 + 2 * hidden + k);
            dh.mul(t).mul(o).mul(one.sub(o)).intoArray(gg, q0 + 3 * hidden + k);
            dc.mul(f).intoArray(gcp, gcp0 + k);
        }
        return k;
    }
}
