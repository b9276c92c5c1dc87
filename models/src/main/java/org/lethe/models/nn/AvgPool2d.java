package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** Average pooling with a square window, padding counted in the divisor. */
public final class AvgPool2d extends Layer {
    private final int kernel;
    private final int stride;
    private final int padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.avgPool2d(x, kernel, stride, padding);
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new AvgPool2d(kernel, stride, padding);
    }
}
