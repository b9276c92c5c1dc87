package org.lethe.models;

import java.util.List;
import org.lethe.engine.Tensor;

/**
 * What a regression model's forward returns: the prediction {@code [N, 1]} and its activations in
 * order (the Blindspot attention loss sums over all of them).
 */
public record ModelOutput(Tensor prediction, List<Activation> activations) {
    public ModelOutput {
        activations = List.copyOf(activations);
    }
}
