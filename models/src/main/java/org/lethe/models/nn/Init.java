package org.lethe.models.nn;

import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/** PyTorch's default initialisations. */
public final class Init {
    private Init() {
    }

    /**
     * {@code kaiming_uniform_(w, a=sqrt(5))}, PyTorch's default for linear and convolution weights:
     * uniform in {@code +-sqrt(6 / ((1 + a^2) fan_in)) = +-1/sqrt(fan_in)}.
     */
    public static Tensor kaimingUniformDefault(Rng rng, int fanIn, int... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return Tensor.uniform(rng, -bound, bound, DType.FLOAT32, shape);
    }

    /** The default bias of linear and convolution layers: uniform in {@code +-1/sqrt(fan_in)}. */
    public static Tensor biasDefault(Rng rng, int fanIn, int size) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
        return Tensor.uniform(rng, -bound, bound, DType.FLOAT32, size);
    }
}
