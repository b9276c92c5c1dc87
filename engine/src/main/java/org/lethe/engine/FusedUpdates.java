package org.lethe.engine;

import org.lethe.kernels.AdamStep;

/**
 * Parameter updates that optimisers apply in place with one backend kernel per parameter (instead of
 * a dozen elementwise operations). Refused on tensors that record a graph.
 */
public final class FusedUpdates {
    private FusedUpdates() {
    }

    /** One Adam/AdamW step: updates {@code param}, {@code m}, {@code v} (and {@code vMax}, may be null) in place. */
    public static void adam(AdamStep step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
        if (GradMode.isEnabled() && param.requiresGrad()) {
            throw new IllegalStateException("adam: in-place update of a parameter; run it under GradMode.noGrad()");
        }
        Tensor g = grad.contiguous();
        if (!java.util.Arrays.equals(g.shape(), param.shape())) {
            throw new IllegalArgumentException("adam: gradient " + Shapes.str(g.shape()) + " for parameter "
                    + Shapes.str(param.shape()));
        }
        Kernels.checkCompatible("adam", param, g);
        param.backend().adamStep(step, param.view(), g.view(), m.view(), v.view(), vMax == null ? null : vMax.view());
        param.storage().bumpVersion();
        m.storage().bumpVersion();
        v.storage().bumpVersion();
        if (vMax != null) {
            vMax.storage().bumpVersion();
        }
    }
}
