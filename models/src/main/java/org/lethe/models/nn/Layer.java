package org.lethe.models.nn;

import org.lethe.engine.Tensor;

/** A module that maps one tensor to one tensor, so that layers can be chained in a {@link Sequential}. */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
