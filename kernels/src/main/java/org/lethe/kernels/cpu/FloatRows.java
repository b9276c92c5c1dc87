package org.lethe.kernels.cpu;

import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.UnaryOp;

/**
 * Typed float32 loops over one row, used when every operand of an elementwise kernel is float32 and
 * its innermost stride is 1 (or 0 for a broadcast operand). They compute exactly what
 * {@link UnaryOp#apply} and {@link BinaryOp#apply} define, rounded to float; the generic path of
 * {@link CpuBackend} remains the reference and the fallback, and the contract tests run both.
 */
final class FloatRows {
    private FloatRows() {
    }


    /** {@code y[yo + i] = op(x[xo + i], s)} for {@code i < n}. */
    static void unary(UnaryOp op, double scalar, float[] x, int xo, float[] y, int yo, int n) {
        // Each loop is its own small method: one large method with every loop is deoptimised and
        // recompiled whenever a new operation first appears, and its long loops run as slow
        // on-stack-replacement code in the meantime.
        float s = (float) scalar;
        boolean exact = s == scalar;
        switch (op) {
            case NEG -> neg(x, xo, y, yo, n);
            case ABS -> abs(x, xo, y, yo, n);
            case SQUARE -> square(x, xo, y, yo, n);
            case RELU -> {
                if (VectorSupport.AVAILABLE) {
                    VectorRows.relu(x, xo, y, yo, n);
                } else {
                    relu(x, xo, y, yo, n);
                }
            }
            case HEAVISIDE -> {
                if (VectorSupport.AVAILABLE) {
                    VectorRows.compare(op, 0f, x, xo, y, yo, n);
                } else {
                    heaviside(x, xo, y, yo, n);
                }
            }
            case ADD_SCALAR -> {
                if (exact) {
                    addScalar(x, xo, s, y, yo, n);
                } else {
                    generic(op, scalar, x, xo, y, yo, n);
                }
            }
            case MUL_SCALAR -> {
                if (exact) {
                    mulScalar(x, xo, s, y, yo, n);
                } else {
                    generic(op, scalar, x, xo, y, yo, n);
                }
            }
            case POW_SCALAR -> {
                if (scalar == 2.0) {
                    square(x, xo, y, yo, n);
                } else {
                    generic(op, scalar, x, xo, y, yo, n);
                }
            }
            case SQRT -> sqrt(x, xo, y, yo, n);
            case EXP -> exp(x, xo, y, yo, n);
            case TANH -> tanh(x, xo, y, yo, n);
            case SIGMOID -> sigmoid(x, xo, y, yo, n);
            case GT_SCALAR, GE_SCALAR, LT_SCALAR, LE_SCALAR -> {
                if (VectorSupport.AVAILABLE && VectorRows.handles(op, s, scalar)) {
                    VectorRows.compare(op, s, x, xo, y, yo, n);
                } else {
                    generic(op, scalar, x, xo, y, yo, n);
                }
            }
            case CLAMP_MIN, CLAMP_MAX, SIGN, LOG, RECIPROCAL, RSUB_SCALAR ->
                    generic(op, scalar, x, xo, y, yo, n);
            default -> generic(op, scalar, x, xo, y, yo, n);
        }
    }

    private static void generic(UnaryOp op, double scalar, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) op.apply(x[xo + i], scalar);
        }
    }

    private static void neg(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = -x[xo + i];
        }
    }

    private static void abs(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.abs(x[xo + i]);
        }
    }

    private static void square(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = v * v;
        }
    }

    static void relu(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.max(x[xo + i], 0f) + 0f;
        }
    }

    private static void heaviside(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = x[xo + i] > 0 ? 1f : 0f;
        }
    }

    /** Exact when {@code s} is a float: float addition is the double sum rounded once. */
    private static void addScalar(float[] x, int xo, float s, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = x[xo + i] + s;
        }
    }

    /** Exact when {@code s} is a float: the float product is the double product rounded once. */
    private static void mulScalar(float[] x, int xo, float s, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = x[xo + i] * s;
        }
    }

    private static void sqrt(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) Math.sqrt(x[xo + i]);
        }
    }

    private static void exp(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) Math.exp(x[xo + i]);
        }
    }

    private static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) FastMath.tanh(x[xo + i]);
        }
    }

    private static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = (float) FastMath.sigmoid(x[xo + i]);
        }
    }


    /** Whether {@link #binary} has a typed loop for {@code op}. */
    static boolean hasBinary(BinaryOp op) {
        return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
    }

    /**
     * {@code y[yo + i] = op(a[ao + i*as], b[bo + i*bs])} for {@code i < n}, where each of {@code as},
     * {@code bs} is 1 or 0 (a broadcast operand). The arithmetic is done in double and rounded once,
     * as the reference defines it (for these four operations that equals float arithmetic).
     */
    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> add(a, ao, b, bo, y, yo, n);
                case SUB -> sub(a, ao, b, bo, y, yo, n);
                case MUL -> mul(a, ao, b, bo, y, yo, n);
                default -> div(a, ao, b, bo, y, yo, n);
            }
        } else if (as == 1) {
            float v = b[bo];
            switch (op) {
                case ADD -> addScalar(a, ao, v, y, yo, n);
                case SUB -> addScalar(a, ao, -v, y, yo, n);
                case MUL -> mulScalar(a, ao, v, y, yo, n);
                default -> divBy(a, ao, v, y, yo, n);
            }
        } else {
            float v = a[ao];
            switch (op) {
                case ADD -> addScalar(b, bo, v, y, yo, n);
                case SUB -> rsub(v, b, bo, y, yo, n);
                case MUL -> mulScalar(b, bo, v, y, yo, n);
                default -> divInto(v, b, bo, y, yo, n);
            }
        }
    }

    private static void add(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = a[ao + i] + b[bo + i];
        }
    }

    private static void sub(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = a[ao + i] - b[bo + i];
        }
    }

    private static void mul(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = a[ao + i] * b[bo + i];
        }
    }

    private static void div(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = a[ao + i] / b[bo + i];
        }
    }

    private static void divBy(float[] a, int ao, float v, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = a[ao + i] / v;
        }
    }

    private static void rsub(float v, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = v - b[bo + i];
        }
    }

    private static void divInto(float v, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = v / b[bo + i];
        }
    }

    /**
     * {@code acc} plus the sum of {@code x[xo + i]} for {@code i < n}, accumulated in double: four
     * interleaved partial sums (elements {@code i mod 4}) added together at the end, then the rest in
     * index order. One chain of dependent additions would wait on the adder's latency at every
     * element (a reduction over a convolution's output was 5% of a CNN training step); the order
     * depends only on {@code n}, never on the thread count.
     */
    static double sum(float[] x, int xo, int n, double acc) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += x[xo + i];
            s1 += x[xo + i + 1];
            s2 += x[xo + i + 2];
            s3 += x[xo + i + 3];
        }
        acc += (s0 + s1) + (s2 + s3);
        for (; i < n; i++) {
            acc += x[xo + i];
        }
        return acc;
    }
}
