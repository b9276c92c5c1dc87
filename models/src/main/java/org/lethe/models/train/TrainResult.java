package org.lethe.models.train;

import java.util.List;

/**
 * The outcome of a training run: per-epoch history, the best validation epoch (1-based; 0 without
 * validation) and its loss, optimiser steps, wall time, and whether early stopping ended it.
 */
public record TrainResult(List<EpochRecord> history, int bestEpoch, double bestValidationLoss, long steps,
                          double seconds, boolean stoppedEarly) {
    public TrainResult {
        history = List.copyOf(history);
    }
}
