package org.lethe.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lethe.kernels.Backend;
import org.lethe.models.RegressionModel;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.train.ConsoleProgress;
import org.lethe.unlearning.Unlearner;
import org.lethe.unlearning.UnlearningResult;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.Methods;
import org.lethe.unlearning.metrics.Predictions;
import org.lethe.unlearning.metrics.RegressionErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe unlearn}: a method applied to a checkpoint and a forget request. The run is recorded in
 * the erasure ledger ({@link Ledger}).
 */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
        description = {"Make a trained model forget rows: writes a new checkpoint; the original file is not changed.",
            "The run is appended to the erasure ledger (see 'lethe ledger verify')."})
final class UnlearnCommand implements Callable<Integer> {
    /** What --method accepts: every method and Retrain. */
    static final List<String> METHODS = java.util.stream.Stream.concat(Methods.ALL.stream(), java.util.stream.Stream.of("retrain"))
            .toList();

    @Option(names = "--model", required = true, paramLabel = "CHECKPOINT", description = "the trained model")
    Path model;

    @Option(names = "--method", defaultValue = "blindspot",
            description = "finetune, gaussian, blindspot, neggrad, badteacher, scrub, salun, l1sparse, cfk, euk, ssd, lfssd, fisher,"
                    + " sisa, certified or retrain"
                    + " (default: ${DEFAULT-VALUE}; docs/methods.md)")
    String method;

    @Option(names = "--forget", paramLabel = "DEFINITION",
            description = "rows to forget, e.g. 'target < 20', 'class == 3', 'random:0.1', 'ids:4,17' (default: the data set's)")
    String forget;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint to write")
    Path out;

    @Mixin
    LedgerOptions ledger = new LedgerOptions();

    @Override
    public Integer call() {
        if (!METHODS.contains(method)) {
            throw new UserError("--method: unknown method '" + method + "'; known: " + String.join(", ", METHODS));
        }
        Backend backend = device.use();
        Outputs.checkNew(out, "--out");
        Checkpoint.Loaded l = Checkpoint.load(model);
        ExperimentConfig c = Protocol.fromCheckpoint(model, l, data, forget);
        UnlearningTask task = Experiment.task(c);
        if (!same(task.normalizer(), Protocol.normaliser(model, l))) {
            System.err.println("lethe: note: the data's standardisation differs from the checkpoint's; using the data's");
        }
        Protocol.checkMethodsFit(c, List.of(method), l.model(), task);
        Unlearner u = Methods.create(method, c);
        ledger.check();
        System.err.println("lethe: " + method + " forgets '" + c.forget() + "' (" + task.forget().trainForget().length
                + " training rows) on " + backend.description());
        UnlearningResult r = u.unlearn(l.model(), task, seed, ConsoleProgress.stderr(method));
        Checkpoint.save(out, r.model(), Protocol.info(c, task, seed, "unlearned", Map.of("lethe.method", method,
                "lethe.source", model.getFileName().toString(), "lethe.forget", c.forget())));
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, RegressionModel> e : List.of(Map.entry("original", l.model()), Map.entry(method, r.model()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("retain_test_mae", mae(e.getValue(), task, task.forget().testRetain()));
            m.put("forget_test_mae", mae(e.getValue(), task, task.forget().testForget()));
            metrics.put(e.getKey(), m);
        }
        metrics.get(method).put("seconds", r.seconds());
        metrics.get(method).put("steps", r.steps());
        Table t = new Table().row("model", "retain test MAE", "forget test MAE");
        metrics.forEach((name, m) -> t.row(name, Table.number((Double) m.get("retain_test_mae")),
                Table.number((Double) m.get("forget_test_mae"))));
        System.out.print(t.render());
        System.out.printf(java.util.Locale.ROOT, "unlearned in %.2fs (%d steps)%nwrote %s%n", r.seconds(), r.steps(), out);
        ledger.append(record(c, task, metrics), out);
        return 0;
    }

    /** The ledger record: the request, the method and its settings, the two checkpoints' hashes, the errors. */
    private Map<String, Object> record(ExperimentConfig c, UnlearningTask task, Map<String, ?> metrics) {
        Map<String, Object> rec = ledger.record("unlearn", c, task);
        rec.put("methods", List.of(method));
        Map<String, Object> all = c.withMethods(List.of(method)).describe();
        Map<String, Object> config = new LinkedHashMap<>();
        for (String k : new String[] {"dataset", "target", "model", "loss", "forget", "split_seed", "validation_fraction",
            "test_fraction"}) {
            if (all.containsKey(k)) {
                config.put(k, all.get(k));
            }
        }
        config.put("method", method);
        config.put("seed", seed);
        config.put("settings", all.getOrDefault(method.equals("retrain") ? "original" : method, Map.of()));
        rec.put("config", config);
        rec.put("model_before_sha256", Map.of(model.toString(), Ledger.sha256(model)));
        rec.put("model_after_sha256", Map.of(out.toString(), Ledger.sha256(out)));
        rec.put("metrics", metrics);
        return rec;
    }

    /** Whether two standardisations are the same (Normalizer is a record of arrays: its equals compares references). */
    private static boolean same(org.lethe.models.data.Normalizer data, org.lethe.models.data.Normalizer checkpoint) {
        return java.util.Arrays.equals(data.featureMean(), checkpoint.featureMean())
                && java.util.Arrays.equals(data.featureStd(), checkpoint.featureStd())
                && data.targetMean() == checkpoint.targetMean() && data.targetStd() == checkpoint.targetStd();
    }

    static double mae(RegressionModel m, UnlearningTask task, int[] rows) {
        double[][] py = Predictions.of(m, task.data().subset(rows), task.normalizer());
        return RegressionErrors.of(py[0], py[1]).mae();
    }
}
