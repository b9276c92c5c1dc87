package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** {@code y = x W^T + b}, PyTorch's layout ({@code weight [out, in]}, {@code bias [out]}) and initialisation. */
public final class Linear extends Layer {
    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: sizes must be positive, got " + in + " -> " + out);
        }
        ParameterBudget.reserve("Linear", out, in);
        if (bias) {
            ParameterBudget.reserve("Linear bias", out);
        }
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Init.kaimingUniformDefault(rng, in, out, in));
        this.bias = bias ? parameter("bias", Init.biasDefault(rng, in, out)) : null;
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight, bias);
    }

    /** {@code relu(forward(x))} in one operation ({@link Functional#linearRelu}): the same values and gradients. */
    public Tensor forwardRelu(Tensor x) {
        return Functional.linearRelu(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Linear(in, out, bias != null, rng);
    }
}
