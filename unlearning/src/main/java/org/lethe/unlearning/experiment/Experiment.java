package org.lethe.unlearning.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.BuiltinDatasets;
import org.lethe.models.data.CsvData;
import org.lethe.models.data.DataFiles;
import org.lethe.models.data.ForgetSet;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.RegressionData;
import org.lethe.models.data.Split;
import org.lethe.models.io.BuildInfo;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.TrainResult;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningResult;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.metrics.AnamnesisIndex;
import org.lethe.unlearning.metrics.Distances;
import org.lethe.unlearning.metrics.LossThreshold;
import org.lethe.unlearning.metrics.MembershipInference;
import org.lethe.unlearning.metrics.Predictions;
import org.lethe.unlearning.metrics.RegressionErrors;

/**
 * Runs the protocol: one split and forget set; per seed, Original trained on all training rows,
 * Retrain on the retain rows, then each method from Original; every metric for every model; then
 * mean and standard deviation over seeds. Checks after each seed that no method changed Original.
 */
public final class Experiment {
    /** Receives progress and the models as they are made (to save checkpoints, draw progress). */
    public interface Listener {
        /** A progress sink for one phase, e.g. "seed 1/3 original". */
        default ProgressListener phase(String label) {
            return ProgressListener.NONE;
        }

        /** A model is ready ({@code original}, {@code retrain} or a method). */
        default void model(String method, long seed, RegressionModel model, UnlearningTask task) {
        }

        /** A line of progress that is not a training run (the shadow models of the audits). */
        default void note(String line) {
        }
    }

    private Experiment() {
    }

    /** The data set of a configuration, in original units. */
    public static RegressionData load(ExperimentConfig c) {
        return c.target() == null ? BuiltinDatasets.load(c.dataset()) : CsvData.load(Path.of(c.dataset()), c.target());
    }

    /** The split: ordered for the time series (no future leaks into training), else random. */
    public static Split split(ExperimentConfig c, RegressionData data) {
        return c.dataset().equals("taylor") ? Split.ordered(data.size(), c.validation(), c.test())
                : Split.random(data.size(), c.validation(), c.test(), c.splitSeed());
    }

    /** Inputs standardised per feature for tables, globally for images and series, not at all for character ids. */
    public static Normalizer normalizer(ExperimentConfig c, RegressionData data, Split split) {
        // An ensemble (a SISA checkpoint given to lethe unlearn) takes its members' inputs.
        String arch = Models.base(c.model()).architecture();
        boolean ids = arch.equals("char") || arch.equals("siamese");
        boolean table = data.inputShape().length == 1 && !ids;
        return Normalizer.fit(data, split.train(), !ids, table);
    }

    /** The task (standardised data, split, forget set) a configuration defines. */
    public static UnlearningTask task(ExperimentConfig c) {
        RegressionData raw = load(c);
        Split split = split(c, raw);
        ForgetSet forget = ForgetSet.resolve(c.forget(), raw, split, c.splitSeed());
        Normalizer norm = normalizer(c, raw, split);
        return new UnlearningTask(norm.apply(raw), split, forget, c.loss(), norm, c.model());
    }

    /** The protocol with the cheap audits only (no shadow models). */
    public static ExperimentResult run(ExperimentConfig c, Listener listener) {
        return run(c, AuditConfig.cheap(), listener);
    }

    /** The protocol with the given audits; the audits' settings are recorded as {@code config.audits}. */
    public static ExperimentResult run(ExperimentConfig c, AuditConfig audits, Listener listener) {
        long start = System.nanoTime();
        UnlearningTask task = task(c);
        List<MethodRun> runs = new ArrayList<>();
        int s = 0;
        for (long seed : c.seeds()) {
            s++;
            String at = "seed " + s + "/" + c.seeds().size() + " ";
            RegressionModel original = Models.create(c.model(), new Rng(seed));
            long t0 = System.nanoTime();
            TrainResult tr = new Trainer(c.original().withSeed(seed), listener.phase(at + "original"))
                    .fit(original, task.train(), task.data().subset(task.split().validation()));
            double originalSeconds = (System.nanoTime() - t0) / 1e9;
            listener.model("original", seed, original, task);
            String fingerprint = fingerprint(original);
            UnlearningResult retrain = Methods.create("retrain", c).unlearn(original, task, seed, listener.phase(at + "retrain"));
            listener.model("retrain", seed, retrain.model(), task);
            ShadowAudits shadows = audits.anyShadow() ? new ShadowAudits(c, audits, task, seed, listener, at) : null;
            Evaluator eval = new Evaluator(c, task, original, retrain.model(), seed, shadows);
            runs.add(eval.run("original", new UnlearningResult(original, tr.steps(), originalSeconds, Map.of()), tr.history(),
                    retrain.seconds()));
            runs.add(eval.run("retrain", retrain, List.of(), retrain.seconds()));
            for (String m : c.methods()) {
                UnlearningResult r = Methods.create(m, c).unlearn(original, task, seed, listener.phase(at + m));
                listener.model(m, seed, r.model(), task);
                runs.add(eval.run(m, r, List.of(), retrain.seconds()));
            }
            if (!fingerprint.equals(fingerprint(original))) {
                throw new IllegalStateException("an unlearning method changed the original model (seed " + seed + ")");
            }
        }
        Map<String, Object> described = new LinkedHashMap<>(c.describe());
        described.put("audits", audits.describe());
        return new ExperimentResult(described, task.data().hash(), task.split().describe(), task.forget().describe(),
                runs, summarise(runs), BuildInfo.codeVersion(), (System.nanoTime() - start) / 1e9);
    }

    /** An ROC curve as results.json stores it: {@code {"fpr": [...], "tpr": [...]}} (its corners). */
    static Map<String, Object> curve(org.lethe.unlearning.metrics.Roc roc) {
        double[][] c = roc.corners();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fpr", c[0]);
        out.put("tpr", c[1]);
        return out;
    }

    /** A hash of every tensor of a model's state. */
    static String fingerprint(RegressionModel m) {
        List<Object> parts = new ArrayList<>();
        m.stateDict().tensors().forEach((k, v) -> {
            parts.add(k);
            parts.add(java.util.Arrays.toString(v.toFloatArray()));
        });
        return DataFiles.hash(parts.toArray());
    }

    static Map<String, Map<String, Summary>> summarise(List<MethodRun> runs) {
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        for (MethodRun r : runs) {
            Map<String, List<Double>> byMetric = values.computeIfAbsent(r.method(), k -> new LinkedHashMap<>());
            r.metrics().forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Map<String, Summary>> out = new LinkedHashMap<>();
        values.forEach((method, metrics) -> {
            Map<String, Summary> sm = new LinkedHashMap<>();
            metrics.forEach((k, v) -> sm.put(k, Summary.of(v)));
            out.put(method, sm);
        });
        return out;
    }

    /** Computes every metric of a model for one seed, against that seed's Original and Retrain. */
    static final class Evaluator {
        private final ExperimentConfig config;
        private final UnlearningTask task;
        private final RegressionModel original;
        private final RegressionModel retrain;
        private final long seed;
        private final double[] retrainForget;
        private final double threshold;
        private final AnamnesisIndex.Relearn retrainRelearn;
        private final ShadowAudits shadows;

        Evaluator(ExperimentConfig config, UnlearningTask task, RegressionModel original, RegressionModel retrain, long seed,
                  ShadowAudits shadows) {
            this.shadows = shadows;
            this.config = config;
            this.task = task;
            this.original = original;
            this.retrain = retrain;
            this.seed = seed;
            this.retrainForget = Predictions.of(retrain, task.forgetRows(), task.normalizer())[0];
            if (config.computeAin()) {
                threshold = AnamnesisIndex.threshold(original, task, config.ain());
                retrainRelearn = AnamnesisIndex.relearn(retrain, task, threshold, config.ain(), seed + 99);
            } else {
                threshold = Double.NaN;
                retrainRelearn = null;
            }
        }

        MethodRun run(String method, UnlearningResult r, List<org.lethe.models.train.EpochRecord> history,
                      double retrainSeconds) {
            Map<String, Double> m = new LinkedHashMap<>();
            RegressionModel model = r.model();
            errors(m, "retain_test", model, task.forget().testRetain());
            errors(m, "forget_test", model, task.forget().testForget());
            double[][] forget = Predictions.of(model, task.forgetRows(), task.normalizer());
            m.put("w1_to_retrain", Distances.wasserstein1(forget[0], retrainForget));
            m.put("mean_abs_diff_to_retrain", Distances.meanAbsoluteDifference(forget[0], retrainForget));
            MembershipInference.Losses losses = MembershipInference.losses(model, task, seed + 7);
            MembershipInference.Result mia = MembershipInference.attack(losses.members(), losses.nonMembers(), losses.forget());
            m.put("mia_forget", mia.forgetMemberFraction());
            MembershipInference.Result scaled = MembershipInference.attackScaled(losses.members(), losses.nonMembers(),
                    losses.forget());
            m.put("mia_forget_scaled", scaled.forgetMemberFraction());
            LossThreshold.Result lt = LossThreshold.attack(losses.members(), losses.nonMembers(), losses.forget());
            m.put("lt_auc", lt.auc());
            m.put("lt_tpr_at_1pct_fpr", lt.tprAt1());
            m.put("lt_tpr_at_0_1pct_fpr", lt.tprAt01());
            m.put("lt_forget_flagged_at_1pct_fpr", lt.forgetFlaggedAt1());
            if (retrainRelearn != null) {
                AnamnesisIndex.Relearn rl = method.equals("retrain") ? retrainRelearn
                        : AnamnesisIndex.relearn(model, task, threshold, config.ain(), seed + 99);
                m.put("relearn_steps", (double) rl.steps());
                m.put("relearn_capped", rl.capped() ? 1.0 : 0.0);
                m.put("ain", AnamnesisIndex.index(rl, retrainRelearn));
            }
            m.put("seconds", r.seconds());
            m.put("steps", (double) r.steps());
            m.put("speedup", r.seconds() > 0 ? retrainSeconds / r.seconds() : Double.NaN);
            int[] hist = Distances.relativeDifferenceHistogram(forget[0], retrainForget, forget[1]);
            Map<String, Object> details = new LinkedHashMap<>(r.details());
            details.put("mia_members", mia.members());
            details.put("mia_non_members", mia.nonMembers());
            details.put("mia_support_vectors", mia.supportVectors());
            details.put("mia_scaled_support_vectors", scaled.supportVectors());
            details.put("lt_loss_threshold_at_1pct_fpr", lt.lossThreshold());
            details.put("lt_roc", curve(lt.roc()));
            if (shadows != null) {
                if (method.equals("original")) {
                    details.put("shadow_training_seconds", shadows.trainingSeconds());
                }
                shadows.evaluate(method, model, m, details);
            }
            return new MethodRun(method, seed, m, hist, history, details);
        }

        private void errors(Map<String, Double> m, String prefix, RegressionModel model, int[] rows) {
            double[][] py = Predictions.of(model, task.data().subset(rows), task.normalizer());
            RegressionErrors e = RegressionErrors.of(py[0], py[1]);
            m.put(prefix + "_mae", e.mae());
            m.put(prefix + "_mse", e.mse());
            m.put(prefix + "_rmse", e.rmse());
            m.put(prefix + "_r2", e.r2());
        }
    }
}
