package org.lethe.engine;

/** How a loss folds its per-element values: mean (the default), sum, or none (per element). */
public enum Reduction {
    MEAN, SUM, NONE;

    Tensor apply(Tensor perElement) {
        switch (this) {
            case MEAN: return perElement.mean();
            case SUM: return perElement.sum();
            default: return perElement;
        }
    }
}
