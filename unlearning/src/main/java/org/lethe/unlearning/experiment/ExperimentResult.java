package org.lethe.unlearning.experiment;

import java.util.List;
import java.util.Map;

/**
 * Everything an experiment produced: its configuration, the data and split it used, every run, and
 * for each method the summary of each metric over seeds.
 */
public record ExperimentResult(Map<String, Object> config, String dataHash, Map<String, Object> split,
                               Map<String, Object> forget, List<MethodRun> runs,
                               Map<String, Map<String, Summary>> summary, String codeVersion, double seconds) {
}
