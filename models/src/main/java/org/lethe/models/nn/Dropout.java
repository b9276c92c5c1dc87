package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** Inverted dropout with probability {@code p} in training mode; the identity in evaluation. Owns its random stream. */
public final class Dropout extends Layer {
    private final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        }
        this.p = p;
        this.rng = rng.split();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), rng);
    }

    @Override
    protected Module newInstance(Rng r) {
        return new Dropout(p, r);
    }
}
