package org.lethe.kernels;

/**
 * Elementwise functions of one operand and an optional scalar {@code s}. {@link #apply} is the
 * definition every backend must match: it is computed in double precision and rounded to the
 * destination type once. NaN propagates through every function except the indicator functions.
 */
public enum UnaryOp {
    /** -x */
    NEG,
    /** e^x */
    EXP,
    /** natural logarithm */
    LOG,
    /** square root */
    SQRT,
    /** |x| */
    ABS,
    /** -1, 0 or 1 (0 for ±0, NaN for NaN) */
    SIGN,
    /** max(x, 0), NaN kept */
    RELU,
    /** 1 if x > 0 else 0: the derivative of relu */
    HEAVISIDE,
    /** 1 / (1 + e^-x), evaluated without overflow */
    SIGMOID,
    /** hyperbolic tangent */
    TANH,
    /** 1 / x */
    RECIPROCAL,
    /** x * x */
    SQUARE,
    /** x + s */
    ADD_SCALAR,
    /** x * s */
    MUL_SCALAR,
    /** s - x */
    RSUB_SCALAR,
    /** x ^ s */
    POW_SCALAR,
    /** max(x, s), NaN kept */
    CLAMP_MIN,
    /** min(x, s), NaN kept */
    CLAMP_MAX,
    /** 1 if x > s else 0 */
    GT_SCALAR,
    /** 1 if x >= s else 0 */
    GE_SCALAR,
    /** 1 if x < s else 0 */
    LT_SCALAR,
    /** 1 if x <= s else 0 */
    LE_SCALAR;

    /** The reference definition of this function. */
    public double apply(double x, double s) {
        switch (this) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            case SIGN: return Math.signum(x);
            case RELU: return x <= 0 ? 0.0 : x;
            case HEAVISIDE: return x > 0 ? 1.0 : 0.0;
            case SIGMOID: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case TANH: return Math.tanh(x);
            case RECIPROCAL: return 1.0 / x;
            case SQUARE: return x * x;
            case ADD_SCALAR: return x + s;
            case MUL_SCALAR: return x * s;
            case RSUB_SCALAR: return s - x;
            case POW_SCALAR: return pow(x, s);
            case CLAMP_MIN: return Double.isNaN(x) ? x : Math.max(x, s);
            case CLAMP_MAX: return Double.isNaN(x) ? x : Math.min(x, s);
            case GT_SCALAR: return x > s ? 1.0 : 0.0;
            case GE_SCALAR: return x >= s ? 1.0 : 0.0;
            case LT_SCALAR: return x < s ? 1.0 : 0.0;
            case LE_SCALAR: return x <= s ? 1.0 : 0.0;
            default: throw new AssertionError(this);
        }
    }

    /** Powers with the small integer exponents written as products, as PyTorch does, so x^2 of a negative x is exact. */
    static double pow(double x, double p) {
        if (p == 2.0) {
            return x * x;
        }
        if (p == 1.0) {
            return x;
        }
        if (p == 3.0) {
            return x * x * x;
        }
        if (p == 0.5) {
            return Math.sqrt(x);
        }
        return Math.pow(x, p);
    }
}
