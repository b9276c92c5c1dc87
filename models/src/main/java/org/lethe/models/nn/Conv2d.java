package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/**
 * 2-D convolution with a square kernel, PyTorch's layout ({@code weight [out, in, k, k]},
 * {@code bias [out]}) and initialisation.
 */
public final class Conv2d extends Layer {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Tensor weight;
    private final Tensor bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: invalid " + in + " -> " + out + " kernel " + kernel + " stride "
                    + stride + " padding " + padding);
        }
        ParameterBudget.reserve("Conv2d", out, in, kernel, kernel);
        if (bias) {
            ParameterBudget.reserve("Conv2d bias", out);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        int fanIn = in * kernel * kernel;
        this.weight = parameter("weight", Init.kaimingUniformDefault(rng, fanIn, out, in, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.biasDefault(rng, fanIn, out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight, bias, stride, padding);
    }

    /** {@code relu(forward(x))} in one operation ({@link Functional#conv2dRelu}): the same values and gradients. */
    public Tensor forwardRelu(Tensor x) {
        return Functional.conv2dRelu(x, weight, bias, stride, padding);
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Conv2d(in, out, kernel, stride, padding, bias != null, rng);
    }
}
