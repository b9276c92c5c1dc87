package org.lethe.engine;

import java.util.Arrays;

/**
 * Neural-network functions on tensors (as {@code torch.nn.functional}): layers' arithmetic, batch
 * norm, dropout, attention normalisation and the regression losses. Most are composites of
 * {@link Tensor} operations and need no backward of their own.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code x @ w^T + b} with PyTorch's weight layout {@code w [out, in]}; {@code b} may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        checkLinear(x, w);
        return affine(x, w, b, false);
    }

    /** {@code relu(linear(x, w, b))} in one operation: the same values and gradients. */
    public static Tensor linearRelu(Tensor x, Tensor w, Tensor b) {
        checkLinear(x, w);
        return affine(x, w, b, true);
    }

    /** {@code w} is {@code [out, in]} and {@code x}'s last dimension has {@code in} features. */
    private static void checkLinear(Tensor x, Tensor w) {
        if (w.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must be [out,in], got " + Shapes.str(w.shape()));
        }
        if (x.rank() < 1 || x.dim(-1) != w.dim(1)) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + " has " + (x.rank() < 1 ? 0 : x.dim(-1))
                    + " features but weight " + Shapes.str(w.shape()) + " expects " + w.dim(1));
        }
    }

    /**
     * {@code x W^T + b} (then ReLU) over the last dimension of {@code x}: the leading dimensions are
     * merged into rows for one {@link Affine} GEMM; a bias that is not a vector of the output size
     * is added by broadcasting instead.
     */
    private static Tensor affine(Tensor x, Tensor w, Tensor b, boolean relu) {
        Kernels.checkCompatible("linear", x, w);
        if (b != null) {
            Kernels.checkCompatible("linear", x, b);
        }
        boolean vectorBias = b == null || (b.rank() == 1 && b.dim(0) == w.dim(0));
        int out = w.dim(0);
        Tensor rows = x.rank() == 1 ? x.unsqueeze(0) : x.rank() == 2 ? x : x.reshape(-1, x.dim(-1));
        Tensor y = Affine.apply(rows, w, vectorBias && b != null ? b.reshape(1, out) : null, relu && vectorBias);
        if (!vectorBias) {
            y = y.add(b);
            if (relu) {
                y = y.relu();
            }
        }
        if (x.rank() == 1) {
            return y.squeeze(0);
        }
        if (x.rank() == 2) {
            return y;
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return y.reshape(shape);
    }

    /**
     * 2-D convolution of {@code x [N,C,H,W]} with {@code w [OC,C,KH,KW]} plus an optional bias
     * {@code [OC]}, with the given stride and zero padding on each side.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return Conv2d.apply(x, w, bias, false, stride, stride, padding, padding);
    }

    /**
     * {@code relu(conv2d(x, w, bias, stride, padding))} as one operation: the same values and
     * gradients, without a separate pass over the convolution's output (a backend applies the ReLU as
     * it writes it) and without keeping the pre-activation.
     */
    public static Tensor conv2dRelu(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return Conv2d.apply(x, w, bias, true, stride, stride, padding, padding);
    }

    /** Max pooling with a square window; {@code stride} defaults to the window in PyTorch. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return MaxPool2d.apply(x, kernel, kernel, stride, stride, padding, padding);
    }

    /** Average pooling with a square window, padding counted in the divisor. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return AvgPool2d.apply(x, kernel, kernel, stride, stride, padding, padding);
    }

    /** Mean over the spatial dimensions: {@code [N,C,H,W] -> [N,C]}. */
    public static Tensor globalAvgPool2d(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("global_avg_pool2d: input must be [N,C,H,W], got " + Shapes.str(x.shape()));
        }
        return x.mean(new int[] {2, 3}, false);
    }

    /**
     * Batch normalisation of {@code [N,C]} or {@code [N,C,H,W]} over all axes but the channel axis.
     * Training: normalise with the batch mean and biased variance, and update the running statistics
     * in place ({@code running = (1-momentum)*running + momentum*batch}, the variance unbiased).
     * Evaluation: normalise with the running statistics. {@code weight}, {@code bias} and the running
     * tensors are {@code [C]}; weight and bias may be null, and the running tensors may be null in
     * training (no tracking).
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (x.rank() != 2 && x.rank() != 4) {
            throw new IllegalArgumentException("batch_norm: input must be [N,C] or [N,C,H,W], got " + Shapes.str(x.shape()));
        }
        int c = x.dim(1);
        int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        int[] paramShape = x.rank() == 2 ? new int[] {1, c} : new int[] {1, c, 1, 1};
        for (Tensor p : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (p != null && (p.rank() != 1 || p.dim(0) != c)) {
                throw new IllegalArgumentException("batch_norm: parameter of shape " + Shapes.str(p.shape()) + " for " + c
                        + " channels of input " + Shapes.str(x.shape()));
            }
        }
        Tensor xhat;
        if (training) {
            int n = x.numel() / Math.max(c, 1);
            if (n <= 1) {
                throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input "
                        + Shapes.str(x.shape()));
            }
            Tensor mean = x.mean(axes, true);
            Tensor centred = x.sub(mean);
            Tensor var = centred.square().mean(axes, true);
            if (runningMean != null && runningVar != null) {
                try (GradMode.Guard g = GradMode.noGrad()) {
                    runningMean.copyFrom(runningMean.mul(1 - momentum).add(mean.detach().reshape(c).mul(momentum)));
                    runningVar.copyFrom(runningVar.mul(1 - momentum)
                            .add(var.detach().reshape(c).mul(momentum * n / (n - 1.0))));
                }
            }
            xhat = centred.div(var.add(eps).sqrt());
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm: evaluation needs running statistics");
            }
            xhat = x.sub(runningMean.reshape(paramShape)).div(runningVar.reshape(paramShape).add(eps).sqrt());
        }
        if (weight != null) {
            xhat = xhat.mul(weight.reshape(paramShape));
        }
        return bias == null ? xhat : xhat.add(bias.reshape(paramShape));
    }

    /**
     * Inverted dropout: in training, each element is zeroed with probability {@code p} and the rest
     * scaled by {@code 1/(1-p)}; identity otherwise. The mask is drawn from {@code rng}.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0.0);
        }
        Tensor keep;
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor u = Tensor.output(x.backend(), x.dtype(), x.shape());
            x.backend().randomUniform(u.view(), rng.nextLong(), 0, 1);
            keep = u.ge(p).mul(1.0 / (1.0 - p));
        }
        return x.mul(keep);
    }

    /**
     * {@code x / max(||x||_2, eps)} along {@code axis}. Written as {@code x / sqrt(max(sum x^2, eps^2))},
     * which equals it and keeps the gradient finite for an all-zero row.
     */
    public static Tensor l2Normalize(Tensor x, int axis, double eps) {
        int[] axes = {axis};
        return x.div(x.square().sum(axes, true).clampMin(eps * eps).sqrt());
    }

    private static void checkPair(String op, Tensor prediction, Tensor target) {
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": prediction " + Shapes.str(prediction.shape()) + " and target "
                    + Shapes.str(target.shape()) + " differ in shape");
        }
    }

    /**
     * One LSTM step: from gate pre-activations {@code [N, 4H]} (input, forget, cell, output gates) and
     * the previous cell state {@code [N, H]}, the new hidden and cell states {@code [h, c]}.
     */
    public static java.util.List<Tensor> lstmCell(Tensor gates, Tensor cellState) {
        return LstmCell.apply(gates, cellState);
    }

    /**
     * One LSTM layer over a sequence from zero initial states: from the input projections
     * {@code [N, T, 4H]} (input times {@code W_ih^T} plus the biases) and the recurrent weights
     * {@code W_hh [4H, H]}, the hidden states {@code [N, T, H]}, the last hidden state and the last
     * cell state {@code [N, H]}; {@link #lstmCell} at every step, as one operation.
     */
    public static java.util.List<Tensor> lstmSequence(Tensor projections, Tensor recurrentWeights) {
        return LstmSequence.apply(projections, recurrentWeights);
    }

    /** Mean (or summed, or per-element) absolute error. */
    public static Tensor l1Loss(Tensor prediction, Tensor target, Reduction reduction) {
        checkPair("l1_loss", prediction, target);
        return reduction.apply(prediction.sub(target).abs());
    }

    /** Mean (or summed, or per-element) squared error. */
    public static Tensor mseLoss(Tensor prediction, Tensor target, Reduction reduction) {
        checkPair("mse_loss", prediction, target);
        return reduction.apply(prediction.sub(target).square());
    }

    /**
     * Huber loss: {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}; as
     * {@code 0.5 q^2 + delta (|d| - q)} with {@code q = min(|d|, delta)}.
     */
    public static Tensor huberLoss(Tensor prediction, Tensor target, double delta, Reduction reduction) {
        checkPair("huber_loss", prediction, target);
        if (!(delta > 0)) {
            throw new IllegalArgumentException("huber_loss: delta must be positive, got " + delta);
        }
        Tensor ad = prediction.sub(target).abs();
        Tensor q = ad.clampMax(delta);
        return reduction.apply(q.square().mul(0.5).add(ad.sub(q).mul(delta)));
    }

    /**
     * Quantile (pinball) loss for quantile {@code tau} in (0, 1): with {@code d = target - prediction},
     * {@code max(tau d, (tau - 1) d)}, as {@code tau relu(d) + (1 - tau) relu(-d)}.
     */
    public static Tensor quantileLoss(Tensor prediction, Tensor target, double tau, Reduction reduction) {
        checkPair("quantile_loss", prediction, target);
        if (!(tau > 0 && tau < 1)) {
            throw new IllegalArgumentException("quantile_loss: quantile must be in (0, 1), got " + tau);
        }
        Tensor d = target.sub(prediction);
        return reduction.apply(d.relu().mul(tau).add(d.neg().relu().mul(1 - tau)));
    }

}
