package org.lethe.engine.optim;

/**
 * Lowers the learning rate when a metric stops improving, with PyTorch's semantics. Each
 * {@link #step(double)} (once per epoch) compares the metric with the best so far: better means
 * {@code a < best * (1 - threshold)} (relative, mode min), {@code a < best - threshold} (absolute),
 * and mirrored for mode max. After more than {@code patience} epochs without improvement the rate
 * becomes {@code max(lr * factor, minLr)} (ignored if the change is below {@code eps}), then
 * {@code cooldown} epochs pass before bad epochs count again.
 */
public final class ReduceLROnPlateau {
    /** Whether lower or higher metrics are better. */
    public enum Mode { MIN, MAX }

    /** Whether {@code threshold} is relative to the best value or absolute. */
    public enum ThresholdMode { REL, ABS }

    /**
     * Settings; {@link #defaults()} are PyTorch's and the paper's: min, factor 0.1, patience 10,
     * threshold 1e-4 relative, no cooldown, minimum rate 0, eps 1e-8.
     */
    public record Config(Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                         int cooldown, double minLr, double eps) {
        public Config {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + factor);
            }
            if (patience < 0 || cooldown < 0 || !(threshold >= 0) || !(minLr >= 0) || !(eps >= 0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: patience, cooldown, threshold, min lr and eps must "
                        + "be non-negative");
            }
        }

        public static Config defaults() {
            return new Config(Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0.0, 1e-8);
        }

        public Config withMode(Mode m) {
            return new Config(m, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Config withFactor(double f) {
            return new Config(mode, f, patience, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Config withPatience(int p) {
            return new Config(mode, factor, p, threshold, thresholdMode, cooldown, minLr, eps);
        }

        public Config withThreshold(double t, ThresholdMode tm) {
            return new Config(mode, factor, patience, t, tm, cooldown, minLr, eps);
        }

        public Config withCooldown(int c) {
            return new Config(mode, factor, patience, threshold, thresholdMode, c, minLr, eps);
        }

        public Config withMinLr(double lr) {
            return new Config(mode, factor, patience, threshold, thresholdMode, cooldown, lr, eps);
        }
    }

    private final Optimizer optimizer;
    private final Config config;
    private double best;
    private int badEpochs;
    private int cooldownLeft;

    public ReduceLROnPlateau(Optimizer optimizer, Config config) {
        this.optimizer = optimizer;
        this.config = config;
        this.best = config.mode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    public Config config() {
        return config;
    }

    /** The best metric seen so far. */
    public double best() {
        return best;
    }

    /** Records one epoch's metric; returns whether the learning rate was lowered. */
    public boolean step(double metric) {
        if (isBetter(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > config.patience()) {
            badEpochs = 0;
            cooldownLeft = config.cooldown();
            double old = optimizer.learningRate();
            double lowered = Math.max(old * config.factor(), config.minLr());
            if (old - lowered > config.eps()) {
                optimizer.setLearningRate(lowered);
                return true;
            }
        }
        return false;
    }

    private boolean isBetter(double a) {
        double t = config.threshold();
        boolean rel = config.thresholdMode() == ThresholdMode.REL;
        if (config.mode() == Mode.MIN) {
            return rel ? a < best * (1 - t) : a < best - t;
        }
        return rel ? a > best * (1 + t) : a > best + t;
    }
}
