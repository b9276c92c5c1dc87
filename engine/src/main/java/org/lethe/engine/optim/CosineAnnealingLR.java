package org.lethe.engine.optim;

/**
 * Cosine annealing (without restarts): after {@code t} calls of {@link #step()} the rate is
 * {@code etaMin + (base - etaMin) * (1 + cos(pi * t / tMax)) / 2}, PyTorch's closed form, where
 * {@code base} is the optimiser's rate when the scheduler was made. Past {@code tMax} the cosine
 * continues (the rate rises again), as in PyTorch.
 */
public final class CosineAnnealingLR {
    private final Optimizer optimizer;
    private final double base;
    private final int tMax;
    private final double etaMin;
    private int t;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be positive, got " + tMax);
        }
        Optimizer.checkNonNegative("eta min", etaMin);
        this.optimizer = optimizer;
        this.base = optimizer.learningRate();
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    /** Advances one epoch and sets the optimiser's rate; returns it. */
    public double step() {
        t++;
        double lr = etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
        optimizer.setLearningRate(lr);
        return lr;
    }
}
