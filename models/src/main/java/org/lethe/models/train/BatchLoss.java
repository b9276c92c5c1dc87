package org.lethe.models.train;

import org.lethe.engine.Tensor;
import org.lethe.models.ModelOutput;
import org.lethe.models.data.Batch;

/** A batch's scalar loss given the model's output on it (the task loss, or an unlearning method's). */
@FunctionalInterface
public interface BatchLoss {
    Tensor loss(Batch batch, ModelOutput output);

    /** The task loss on the model's prediction. */
    static BatchLoss of(Loss loss) {
        return (batch, output) -> loss.apply(output.prediction(), batch.y());
    }
}
