package org.lethe.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.lethe.kernels.Backend;
import org.lethe.models.train.EpochRecord;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.MethodRun;
import org.lethe.unlearning.experiment.Summary;
import org.lethe.unlearning.metrics.Distances;

/** Writes an experiment's results.json, results.csv, runs.csv and manifest.json (see docs/results-format.md). */
final class ResultsWriter {
    static final String FORMAT = "lethe-results-1";

    private ResultsWriter() {
    }

    static Map<String, Object> json(ExperimentResult r, String command, Backend backend) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("command", command);
        root.put("code_version", r.codeVersion());
        root.put("java_version", System.getProperty("java.version"));
        root.put("backend", backend.description());
        root.put("dataset", Map.of("name", r.config().get("dataset"), "hash", r.dataHash()));
        root.put("split", r.split());
        root.put("forget", r.forget());
        root.put("seconds", r.seconds());
        Map<String, Object> methods = new LinkedHashMap<>();
        r.summary().forEach((m, metrics) -> {
            Map<String, Object> mm = new LinkedHashMap<>();
            metrics.forEach((k, s) -> mm.put(k, summary(s)));
            methods.put(m, mm);
        });
        root.put("methods", methods);
        root.put("histogram_edges", Distances.EDGES);
        List<Object> runs = new ArrayList<>();
        for (MethodRun run : r.runs()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("method", run.method());
            o.put("seed", run.seed());
            o.put("metrics", run.metrics());
            o.put("relative_difference_histogram", run.relativeDifferenceHistogram());
            if (!run.history().isEmpty()) {
                List<Object> h = new ArrayList<>();
                for (EpochRecord e : run.history()) {
                    h.add(Map.of("epoch", e.epoch(), "train_loss", e.trainLoss(), "validation_loss", e.validationLoss(),
                            "learning_rate", e.learningRate(), "seconds", e.seconds()));
                }
                o.put("history", h);
            }
            o.put("details", run.details());
            runs.add(o);
        }
        root.put("runs", runs);
        root.put("config", r.config());
        return root;
    }

    static Map<String, Object> summary(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", s.mean());
        m.put("sd", s.sd());
        m.put("n", s.n());
        return m;
    }

    static String csvNumber(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "";
    }

    static void write(RunDirectory dir, ExperimentResult r, String command, Backend backend, String started) {
        dir.write("results.json", Json.write(json(r, command, backend)));
        StringBuilder csv = new StringBuilder("method,metric,mean,sd,n\n");
        r.summary().forEach((m, metrics) -> metrics.forEach((k, s) -> csv.append(m).append(',').append(k).append(',')
                .append(csvNumber(s.mean())).append(',').append(csvNumber(s.sd())).append(',').append(s.n()).append('\n')));
        dir.write("results.csv", csv.toString());
        TreeSet<String> keys = new TreeSet<>();
        r.runs().forEach(run -> keys.addAll(run.metrics().keySet()));
        StringBuilder runs = new StringBuilder("method,seed," + String.join(",", keys) + "\n");
        for (MethodRun run : r.runs()) {
            runs.append(run.method()).append(',').append(run.seed());
            for (String k : keys) {
                Double v = run.metrics().get(k);
                runs.append(',').append(v == null ? "" : csvNumber(v));
            }
            runs.append('\n');
        }
        dir.write("runs.csv", runs.toString());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "lethe-manifest-1");
        manifest.put("command", command);
        manifest.put("started", started);
        manifest.put("finished", java.time.OffsetDateTime.now().toString());
        manifest.put("code_version", r.codeVersion());
        manifest.put("java_version", System.getProperty("java.version"));
        manifest.put("java_vendor", System.getProperty("java.vendor"));
        manifest.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        manifest.put("backend", backend.description());
        manifest.put("seeds", r.config().get("seeds"));
        manifest.put("data_hashes", Map.of(String.valueOf(r.config().get("dataset")), r.dataHash()));
        manifest.put("config", r.config());
        manifest.put("files", List.of("results.json", "results.csv", "runs.csv", "report.html", "charts/", "checkpoints/"));
        dir.write("manifest.json", Json.write(manifest));
    }
}
