package org.lethe.models.nn;

import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** All dimensions after the batch dimension merged into one. */
public final class Flatten extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(1);
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Flatten();
    }
}
