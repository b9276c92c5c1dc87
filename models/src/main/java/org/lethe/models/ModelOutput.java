package org.lethe.models;

import java.util.List;
import org.lethe.engine.Tensor;

/**
 * What a regression model's forward returns: the prediction {@code [N, 1]}, its activations in order
 * (the Blindspot attention loss sums over all of them), and the input of its last layer.
 *
 * @param prediction  {@code [N, 1]}
 * @param activations named activations, first to last
 * @param headInput   the input {@code [N, F]} of the model's last layer, the {@code Linear} from F features
 *                    to the single output, so that {@code prediction = headInput · weightᵀ + bias}: the
 *                    features a linear head sees (certified removal refits that head on them). Every
 *                    built-in architecture reports it; null for a model that does not.
 */
public record ModelOutput(Tensor prediction, List<Activation> activations, Tensor headInput) {
    public ModelOutput {
        activations = List.copyOf(activations);
    }

    /** An output that does not report its last layer's input. */
    public ModelOutput(Tensor prediction, List<Activation> activations) {
        this(prediction, activations, null);
    }
}
