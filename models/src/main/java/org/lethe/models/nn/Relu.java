package org.lethe.models.nn;

import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** {@code max(x, 0)}. */
public final class Relu extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Relu();
    }
}
