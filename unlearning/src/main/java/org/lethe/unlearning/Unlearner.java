package org.lethe.unlearning;

import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;

/**
 * An unlearning method: from the original model and the task (retain and forget rows), a new model.
 * The original is never modified; methods work on deep copies or fresh models. The same seed gives
 * the same model.
 */
public interface Unlearner {
    /** The method's key in results: {@code retrain}, {@code finetune}, {@code gaussian}, {@code blindspot}, ... */
    String name();

    /** The method's settings as JSON-ready values (recorded with results). */
    java.util.Map<String, Object> settings();

    UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress);
}
