package org.lethe.models.nn;

import org.lethe.engine.Functional;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/**
 * Batch normalisation over {@code [N, C]} or {@code [N, C, H, W]}, as PyTorch's BatchNorm1d/2d:
 * weight 1, bias 0, running mean 0 and variance 1, momentum 0.1, eps 1e-5, and the int64 counter
 * {@code num_batches_tracked}. Training uses batch statistics and updates the running ones;
 * evaluation uses the running statistics.
 */
public class BatchNorm extends Layer {
    private final int channels;
    private final int rank;
    private final double momentum;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor batchesTracked;

    protected BatchNorm(int channels, int rank, double momentum, double eps) {
        if (channels <= 0) {
            throw new IllegalArgumentException("BatchNorm: channels must be positive, got " + channels);
        }
        ParameterBudget.reserve("BatchNorm", 4L * channels + 1);
        this.channels = channels;
        this.rank = rank;
        this.momentum = momentum;
        this.eps = eps;
        this.weight = parameter("weight", Tensor.ones(channels));
        this.bias = parameter("bias", Tensor.zeros(channels));
        this.runningMean = buffer("running_mean", Tensor.zeros(channels));
        this.runningVar = buffer("running_var", Tensor.ones(channels));
        this.batchesTracked = integerBuffer("num_batches_tracked", Tensor.zeros(DType.FLOAT64));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != rank) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input must have rank " + rank + ", got "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (isTraining()) {
            try (GradMode.Guard g = GradMode.noGrad()) {
                batchesTracked.copyFrom(batchesTracked.add(1.0));
            }
        }
        return Functional.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
    }

    public int channels() {
        return channels;
    }

    @Override
    protected Module newInstance(Rng rng) {
        return rank == 2 ? new BatchNorm1d(channels) : new BatchNorm2d(channels);
    }
}
