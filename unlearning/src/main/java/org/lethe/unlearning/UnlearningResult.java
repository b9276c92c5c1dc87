package org.lethe.unlearning;

import java.util.Map;
import org.lethe.models.RegressionModel;

/** The unlearned model and what it cost: optimiser steps and wall time (the blindspot model's training included). */
public record UnlearningResult(RegressionModel model, long steps, double seconds, Map<String, Object> details) {
    public UnlearningResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
