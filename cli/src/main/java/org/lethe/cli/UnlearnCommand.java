package org.lethe.cli;

import java.nio.file.Path;
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

/** {@code lethe unlearn}: a method applied to a checkpoint and a forget request. */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
        description = "Make a trained model forget rows: writes a new checkpoint; the original file is not changed.")
final class UnlearnCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CHECKPOINT", description = "the trained model")
    Path model;

    @Option(names = "--method", defaultValue = "blindspot",
            description = "finetune, gaussian, blindspot or retrain (default: ${DEFAULT-VALUE})")
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

    @Override
    public Integer call() {
        Backend backend = device.use();
        if (java.nio.file.Files.exists(out)) {
            throw new UserError(out + " already exists; choose another --out");
        }
        Checkpoint.Loaded l = Checkpoint.load(model);
        ExperimentConfig c = Protocol.fromCheckpoint(l, data, forget);
        UnlearningTask task = Experiment.task(c);
        if (!task.normalizer().describe().toString().equals(
                org.lethe.models.data.Normalizer.fromMap(l.info().normalisation()).describe().toString())) {
            System.err.println("lethe: note: the data's standardisation differs from the checkpoint's; using the data's");
        }
        Unlearner u;
        try {
            u = Methods.create(method, c);
        } catch (IllegalArgumentException e) {
            throw new UserError("--method: " + e.getMessage());
        }
        System.err.println("lethe: " + method + " forgets '" + c.forget() + "' (" + task.forget().trainForget().length
                + " training rows) on " + backend.description());
        UnlearningResult r = u.unlearn(l.model(), task, seed, ConsoleProgress.stderr(method));
        Checkpoint.save(out, r.model(), Protocol.info(c, task, seed, "unlearned", Map.of("lethe.method", method,
                "lethe.source", model.getFileName().toString(), "lethe.forget", c.forget())));
        Table t = new Table().row("model", "retain test MAE", "forget test MAE");
        for (Map.Entry<String, RegressionModel> e : Map.of("original", l.model(), method, r.model()).entrySet()) {
            t.row(e.getKey(), Table.number(mae(e.getValue(), task, task.forget().testRetain())),
                    Table.number(mae(e.getValue(), task, task.forget().testForget())));
        }
        System.out.print(t.render());
        System.out.printf(java.util.Locale.ROOT, "unlearned in %.2fs (%d steps)%nwrote %s%n", r.seconds(), r.steps(), out);
        return 0;
    }

    static double mae(RegressionModel m, UnlearningTask task, int[] rows) {
        double[][] py = Predictions.of(m, task.data().subset(rows), task.normalizer());
        return RegressionErrors.of(py[0], py[1]).mae();
    }
}
