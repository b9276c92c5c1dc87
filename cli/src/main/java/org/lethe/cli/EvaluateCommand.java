package org.lethe.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lethe.models.io.Checkpoint;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.metrics.Distances;
import org.lethe.unlearning.metrics.LossThreshold;
import org.lethe.unlearning.metrics.MembershipInference;
import org.lethe.unlearning.metrics.Predictions;
import org.lethe.unlearning.metrics.RegressionErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lethe evaluate}: the metrics of checkpoints against a Retrain checkpoint; the JSON file
 * ({@code --out}) also has the scale-aware SVC attack and the loss-threshold attack (docs/audits.md).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Metrics of one or more checkpoints against a Retrain checkpoint (same data, split and forget rows).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--retrain", required = true, paramLabel = "CHECKPOINT", description = "the model retrained without the forget rows")
    Path retrain;

    @Parameters(arity = "1..*", paramLabel = "CHECKPOINT", description = "models to evaluate")
    List<Path> models;

    @Option(names = "--forget", paramLabel = "DEFINITION", description = "the forget request (default: the Retrain checkpoint's)")
    String forget;

    @Option(names = "--out", paramLabel = "FILE.json", description = "also write the metrics as JSON")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            Outputs.checkNew(out, "--out");
        }
        Checkpoint.Loaded r = Checkpoint.load(retrain);
        ExperimentConfig c = Protocol.fromCheckpoint(retrain, r, null, forget);
        UnlearningTask task = Experiment.task(c);
        double[] retrainForget = Predictions.of(r.model(), task.forgetRows(), task.normalizer())[0];
        Table t = new Table().row("model", "retain MAE", "forget MAE", "W1 to retrain", "|Δ| to retrain", "MIA forget");
        Map<String, Object> json = new LinkedHashMap<>();
        List<Path> all = new java.util.ArrayList<>(models);
        all.add(0, retrain);
        for (Path p : all) {
            Checkpoint.Loaded l = Checkpoint.load(p);
            Protocol.checkInputs(l.model(), task.data().inputShape(), c.dataset());
            double[][] f = Predictions.of(l.model(), task.forgetRows(), task.normalizer());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("retain_test_mae", UnlearnCommand.mae(l.model(), task, task.forget().testRetain()));
            m.put("forget_test_mae", UnlearnCommand.mae(l.model(), task, task.forget().testForget()));
            m.put("w1_to_retrain", Distances.wasserstein1(f[0], retrainForget));
            m.put("mean_abs_diff_to_retrain", Distances.meanAbsoluteDifference(f[0], retrainForget));
            MembershipInference.Losses losses = MembershipInference.losses(l.model(), task, 8);
            m.put("mia_forget", MembershipInference.attack(losses.members(), losses.nonMembers(), losses.forget())
                    .forgetMemberFraction());
            m.put("mia_forget_scaled", MembershipInference.attackScaled(losses.members(), losses.nonMembers(), losses.forget())
                    .forgetMemberFraction());
            LossThreshold.Result lt = LossThreshold.attack(losses.members(), losses.nonMembers(), losses.forget());
            m.put("lt_auc", lt.auc());
            m.put("lt_tpr_at_1pct_fpr", lt.tprAt1());
            m.put("lt_tpr_at_0_1pct_fpr", lt.tprAt01());
            m.put("lt_forget_flagged_at_1pct_fpr", lt.forgetFlaggedAt1());
            json.put(p.getFileName().toString(), m);
            t.row(p.getFileName() + (p == retrain ? " (target)" : ""), Table.number((double) m.get("retain_test_mae")),
                    Table.number((double) m.get("forget_test_mae")), Table.number((double) m.get("w1_to_retrain")),
                    Table.number((double) m.get("mean_abs_diff_to_retrain")), Table.number((double) m.get("mia_forget")));
        }
        System.out.print(t.render());
        if (out != null) {
            org.lethe.models.io.AtomicFiles.writeString(out, Json.write(Map.of("forget", c.forget(), "dataset", c.dataset(),
                    "data_hash", task.data().hash(), "models", json)));
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
