package org.lethe.unlearning;

import org.lethe.models.ModelSpec;
import org.lethe.models.data.Dataset;
import org.lethe.models.data.ForgetSet;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.RegressionData;
import org.lethe.models.data.Split;
import org.lethe.models.train.Loss;

/**
 * Everything an unlearning method may use: the standardised data (models train on it), the split,
 * the rows to forget and to retain, the task loss, the normaliser (to report in original units) and
 * the architecture (Retrain and the blindspot model start from a fresh one).
 */
public record UnlearningTask(RegressionData data, Split split, ForgetSet forget, Loss loss, Normalizer normalizer,
                             ModelSpec spec) {

    /** The training rows, D. */
    public Dataset train() {
        return data.subset(split.train());
    }

    /** The rows to keep, D_r. */
    public Dataset retain() {
        return data.subset(forget.trainRetain());
    }

    /** The rows to forget, D_f. */
    public Dataset forgetRows() {
        return data.subset(forget.trainForget());
    }

    /** Validation rows outside the forget cohort (Retrain's validation set). */
    public Dataset validationRetain() {
        return data.subset(forget.validationRetain());
    }

    /** Whether each row of the training set (in {@link #train()} order) is to be forgotten. */
    public boolean[] trainForgetFlags() {
        boolean[] mask = forget.forgetMask(data.size());
        int[] rows = split.train();
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = mask[rows[i]];
        }
        return out;
    }
}
