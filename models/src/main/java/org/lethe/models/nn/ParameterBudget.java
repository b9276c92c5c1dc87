package org.lethe.models.nn;

import java.util.Arrays;

/**
 * A cap on the tensor elements that layers may allocate on this thread while a model is built,
 * checked by each layer <em>before</em> it allocates. A reader that builds a model from a description
 * it does not trust (a checkpoint's {@code lethe.architecture}, a configuration's hyperparameters)
 * builds it inside a budget, so that a description of a huge model fails with an
 * {@link IllegalArgumentException} naming the layer instead of running the JVM out of memory:
 * <pre>{@code
 * try (ParameterBudget b = ParameterBudget.open(n, "the file holds " + n + " values")) {
 *     model = Models.create(spec, rng);
 * }
 * }</pre>
 * A budget opened inside another counts against both: an inner budget cannot grant more than the
 * outer one has left. Without an open budget only the size of each tensor is checked (at most
 * {@link Integer#MAX_VALUE} elements, as {@code Tensor} allows).
 */
public final class ParameterBudget implements AutoCloseable {
    private static final ThreadLocal<ParameterBudget> CURRENT = new ThreadLocal<>();

    private final long limit;
    private final String why;
    private final ParameterBudget outer;
    private long used;

    private ParameterBudget(long limit, String why, ParameterBudget outer) {
        this.limit = limit;
        this.why = why;
        this.outer = outer;
    }

    /** Opens a budget of {@code limit} elements on this thread; {@code why} explains the limit in errors. */
    public static ParameterBudget open(long limit, String why) {
        ParameterBudget b = new ParameterBudget(Math.max(0, limit), why, CURRENT.get());
        CURRENT.set(b);
        return b;
    }

    /** Elements reserved so far. */
    public long used() {
        return used;
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /**
     * Called by a layer before it allocates a tensor of {@code dims}: fails if a dimension is negative,
     * if the tensor would have more than {@link Integer#MAX_VALUE} elements, or if it would take the
     * open budget (if any) past its limit.
     */
    public static void reserve(String layer, long... dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(layer + ": negative size in " + Arrays.toString(dims));
            }
            n = d == 0 || n == 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layer + ": a tensor of " + Arrays.toString(dims) + " would have more than "
                    + Integer.MAX_VALUE + " elements");
        }
        for (ParameterBudget b = CURRENT.get(); b != null; b = b.outer) {
            if (b.used + n > b.limit) {
                throw new IllegalArgumentException("the model needs more than " + b.limit + " values (" + b.why + "); "
                        + layer + " " + Arrays.toString(dims) + " is past the limit");
            }
        }
        for (ParameterBudget b = CURRENT.get(); b != null; b = b.outer) {
            b.used += n;
        }
    }
}
