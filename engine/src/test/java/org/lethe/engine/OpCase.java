package org.lethe.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One entry of the op catalogue: a named case of one public operation ({@link #op} is the method's
 * name), the inputs it takes, the engine call, a plain reference on {@link NdArray}s, and how its
 * gradient is checked. The same name keys the PyTorch vectors of that case.
 */
final class OpCase {
    /** Where random inputs are drawn from. */
    enum Domain {
        /** uniform in [-2, 2) */
        ANY,
        /** uniform in [0.5, 2) */
        POSITIVE,
        /** magnitude uniform in [0.2, 2), random sign: away from kinks at 0 */
        AWAY_FROM_ZERO,
        /** integers 0, 1, 2: produces ties */
        SMALL_INT
    }

    /** How the gradient is checked against central differences in float64. */
    enum Grad {
        /** every input element */
        FULL,
        /** along random directions (large ops) */
        DIRECTIONAL,
        /** not differentiable, or checked elsewhere */
        NONE
    }

    interface Fn {
        Tensor apply(Tensor[] x);
    }

    interface Ref {
        NdArray apply(NdArray[] x);
    }

    record Input(int[] shape, Domain domain, boolean requiresGrad) {
        @Override
        public String toString() {
            return Arrays.toString(shape) + " " + domain;
        }
    }

    final String name;
    final String op;
    final List<Input> inputs = new ArrayList<>();
    Fn fn;
    Ref ref;
    Grad grad = Grad.FULL;
    /** Relative and absolute tolerance of float32 results against the reference. */
    double tol32 = 2e-5;
    /** Why the case has no PyTorch vector, or null when it has one. */
    String noTorch;

    OpCase(String name, String op) {
        this.name = name;
        this.op = op;
    }

    OpCase in(Domain d, int... shape) {
        inputs.add(new Input(shape, d, true));
        return this;
    }

    /** An input that does not require a gradient. */
    OpCase constant(Domain d, int... shape) {
        inputs.add(new Input(shape, d, false));
        return this;
    }

    OpCase fn(Fn f) {
        this.fn = f;
        return this;
    }

    OpCase ref(Ref r) {
        this.ref = r;
        return this;
    }

    OpCase grad(Grad g) {
        this.grad = g;
        return this;
    }

    OpCase tol32(double t) {
        this.tol32 = t;
        return this;
    }

    OpCase noTorch(String why) {
        this.noTorch = why;
        return this;
    }

    @Override
    public String toString() {
        return name;
    }
}
