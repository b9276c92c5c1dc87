package org.lethe.unlearning.experiment;

import java.util.List;
import java.util.Map;
import org.lethe.models.train.EpochRecord;

/**
 * One model of one seed: its metrics by name, the histogram of relative prediction difference to
 * Retrain on the forget rows, its training history (Original and Retrain) and method details.
 */
public record MethodRun(String method, long seed, Map<String, Double> metrics, int[] relativeDifferenceHistogram,
                        List<EpochRecord> history, Map<String, Object> details) {
}
