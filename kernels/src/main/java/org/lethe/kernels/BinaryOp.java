package org.lethe.kernels;

/**
 * Elementwise functions of two operands. {@link #apply} is the definition every backend must match
 * (double precision, rounded once to the destination type). Comparisons give 1 or 0.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** a ^ b */
    POW,
    /** larger of the two, NaN if either is NaN */
    MAXIMUM,
    /** smaller of the two, NaN if either is NaN */
    MINIMUM,
    EQ, GT, GE, LT, LE,
    /**
     * {@code a}, or 0 where {@code b <= 0}: ReLU's backward with {@code a} the incoming gradient and
     * {@code b} ReLU's input (PyTorch's threshold_backward: a NaN input lets the gradient through).
     */
    RELU_BACKWARD;

    /** The reference definition of this function. */
    public double apply(double a, double b) {
        switch (this) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case POW: return UnaryOp.pow(a, b);
            case MAXIMUM: return Math.max(a, b);
            case MINIMUM: return Math.min(a, b);
            case EQ: return a == b ? 1.0 : 0.0;
            case GT: return a > b ? 1.0 : 0.0;
            case GE: return a >= b ? 1.0 : 0.0;
            case LT: return a < b ? 1.0 : 0.0;
            case LE: return a <= b ? 1.0 : 0.0;
            case RELU_BACKWARD: return b <= 0 ? 0.0 : a;
            default: throw new AssertionError(this);
        }
    }
}
