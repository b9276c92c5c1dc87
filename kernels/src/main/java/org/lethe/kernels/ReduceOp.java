package org.lethe.kernels;

/**
 * Reductions over axes. Every backend accumulates in double precision (or better) and in a fixed
 * order, so a result does not depend on the number of threads.
 */
public enum ReduceOp {
    /** Sum; 0 over no elements. */
    SUM,
    /** Largest element, NaN if any is NaN; -infinity over no elements. */
    MAX,
    /** Smallest element, NaN if any is NaN; +infinity over no elements. */
    MIN;

    /** The value of the reduction over no elements. */
    public double identity() {
        switch (this) {
            case SUM: return 0.0;
            case MAX: return Double.NEGATIVE_INFINITY;
            case MIN: return Double.POSITIVE_INFINITY;
            default: throw new AssertionError(this);
        }
    }

    /** Folds one more element into an accumulator. */
    public double combine(double acc, double x) {
        switch (this) {
            case SUM: return acc + x;
            case MAX: return Math.max(acc, x);
            case MIN: return Math.min(acc, x);
            default: throw new AssertionError(this);
        }
    }
}
