package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** Mean over the spatial dimensions, {@code [N, C, H, W] -> [N, C]} (PyTorch: AdaptiveAvgPool2d(1) + flatten). */
public final class GlobalAvgPool2d extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return Functional.globalAvgPool2d(x);
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new GlobalAvgPool2d();
    }
}
