package org.lethe.unlearning.experiment;

import java.util.Arrays;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.ForgetSet;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.Split;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.metrics.Lira;
import org.lethe.unlearning.metrics.LossThreshold;
import org.lethe.unlearning.metrics.NeurIpsScore;
import org.lethe.unlearning.metrics.Predictions;
import org.lethe.unlearning.metrics.Roc;
import org.lethe.unlearning.metrics.ULira;

/**
 * The shadow-model audits of one seed (docs/audits.md): LiRA on the target model's forget rows
 * against the test rows, U-LiRA and the NeurIPS 2023 forgetting quality of each method.
 *
 * <p>The pool is the training rows and the test rows. Every pool row is assigned to exactly K/2 of
 * the K shadows (a seeded permutation per row, as in Carlini et al.'s code), so each shadow trains on
 * about half of the pool. Shadow k: M_k, trained with Original's recipe on its half S_k (validated on
 * the validation rows, which no shadow trains on); for U-LiRA and the NeurIPS score also R_k, Retrain
 * on the shadow task (train S_k, forget S_k &cap; D_f), and per method U_k, the method applied to M_k
 * on that task ({@code original}: M_k itself; {@code retrain}: Retrain with another seed). Seeds are
 * derived from the experiment seed, so each seed audits with its own shadows.
 */
final class ShadowAudits {
    private final ExperimentConfig config;
    private final AuditConfig audits;
    private final UnlearningTask task;
    private final Experiment.Listener listener;
    private final String at;
    private final long base;
    private final int k;
    /** Pool rows (data row ids, sorted) and each data row's pool index (-1 outside the pool). */
    private final int[] pool;
    private final int[] poolIndex;
    /** in[s][p]: pool row p is in shadow s's training half. */
    private final boolean[][] in;
    private final RegressionModel[] shadows;
    /** Each shadow's residual on every pool row. */
    private final double[][] shadowResiduals;
    private final UnlearningTask[] tasks;
    private final double[][] retrainedResiduals;
    private final Lira.Fit lira;
    private final int[] liraForget;
    private final int[] liraTest;
    private final int[] forget;
    private final boolean[] isForget;
    private final boolean[] isTestRetain;
    private final double trainingSeconds;

    ShadowAudits(ExperimentConfig config, AuditConfig audits, UnlearningTask task, long seed, Experiment.Listener listener,
                 String at) {
        long start = System.nanoTime();
        this.config = config;
        this.audits = audits;
        this.task = task;
        this.listener = listener;
        this.at = at;
        this.base = 1_000_003L * (seed + 1);
        this.k = audits.shadowModels();
        Split split = task.split();
        pool = concatSorted(split.train(), split.test());
        poolIndex = new int[task.data().size()];
        Arrays.fill(poolIndex, -1);
        for (int p = 0; p < pool.length; p++) {
            poolIndex[pool[p]] = p;
        }
        in = new boolean[k][pool.length];
        Rng rng = new Rng(base - 1);
        for (int p = 0; p < pool.length; p++) {
            int[] perm = rng.permutation(k);
            for (int j = 0; j < k / 2; j++) {
                in[perm[j]][p] = true;
            }
        }
        forget = task.forget().trainForget();
        isForget = new boolean[pool.length];
        for (int r : forget) {
            isForget[poolIndex[r]] = true;
        }
        isTestRetain = new boolean[pool.length];
        for (int r : task.forget().testRetain()) {
            isTestRetain[poolIndex[r]] = true;
        }
        boolean pairs = audits.has("ulira") || audits.has("neurips");
        shadows = new RegressionModel[k];
        shadowResiduals = new double[k][];
        tasks = new UnlearningTask[k];
        retrainedResiduals = new double[k][];
        for (int s = 0; s < k; s++) {
            int[] rows = shadowRows(s);
            RegressionModel m = Models.create(config.model(), new Rng(seedOf(s, 0)));
            new Trainer(config.original().withSeed(seedOf(s, 0)), ProgressListener.NONE)
                    .fit(m, task.data().subset(rows), task.data().subset(split.validation()));
            shadows[s] = m;
            shadowResiduals[s] = residuals(m);
            if (pairs) {
                tasks[s] = shadowTask(rows, s);
                if (tasks[s] != null) {
                    RegressionModel r = Methods.create("retrain", config).unlearn(m, tasks[s], seedOf(s, 1),
                            ProgressListener.NONE).model();
                    retrainedResiduals[s] = residuals(r);
                }
            }
            listener.note(String.format(java.util.Locale.ROOT, "%sshadow %d/%d trained (%.1fs)", at, s + 1, k,
                    (System.nanoTime() - start) / 1e9));
        }
        if (audits.has("lira")) {
            liraForget = new int[forget.length];
            for (int i = 0; i < forget.length; i++) {
                liraForget[i] = poolIndex[forget[i]];
            }
            liraTest = new int[split.test().length];
            for (int i = 0; i < liraTest.length; i++) {
                liraTest[i] = poolIndex[split.test()[i]];
            }
            int[] examples = concat(liraForget, liraTest);
            double[][] scores = new double[k][examples.length];
            boolean[][] member = new boolean[k][examples.length];
            for (int s = 0; s < k; s++) {
                for (int i = 0; i < examples.length; i++) {
                    scores[s][i] = shadowResiduals[s][examples[i]];
                    member[s][i] = in[s][examples[i]];
                }
            }
            lira = Lira.fit(scores, member);
        } else {
            lira = null;
            liraForget = null;
            liraTest = null;
        }
        trainingSeconds = (System.nanoTime() - start) / 1e9;
    }

    /** Seconds spent training the shadows (and the retrained shadows). */
    double trainingSeconds() {
        return trainingSeconds;
    }

    private long seedOf(int shadow, int role) {
        return base + 10L * shadow + 3L * role;
    }

    private int[] shadowRows(int s) {
        int c = 0;
        for (boolean b : in[s]) {
            c += b ? 1 : 0;
        }
        int[] rows = new int[c];
        for (int p = 0, i = 0; p < pool.length; p++) {
            if (in[s][p]) {
                rows[i++] = pool[p];
            }
        }
        return rows;
    }

    /** The unlearning task of shadow s: its half trains, the forget rows in it are forgotten; null if none are. */
    private UnlearningTask shadowTask(int[] rows, int s) {
        int[] f = Arrays.stream(rows).filter(r -> isForget[poolIndex[r]]).toArray();
        if (f.length == 0) {
            return null;
        }
        int[] retain = Arrays.stream(rows).filter(r -> !isForget[poolIndex[r]]).toArray();
        ForgetSet fs = task.forget();
        Split split = task.split();
        int[] test = Arrays.stream(split.test()).filter(r -> !in[s][poolIndex[r]]).toArray();
        ForgetSet shadowForget = new ForgetSet(fs.definition(), f, retain, fs.validationForget(), fs.validationRetain(),
                Arrays.stream(fs.testForget()).filter(r -> !in[s][poolIndex[r]]).toArray(),
                Arrays.stream(fs.testRetain()).filter(r -> !in[s][poolIndex[r]]).toArray(), fs.cohort());
        Split shadowSplit = new Split(rows, split.validation(), test, "shadow", seedOf(s, 0));
        return new UnlearningTask(task.data(), shadowSplit, shadowForget, task.loss(), task.normalizer(), task.spec());
    }

    /** A model's signed residual (prediction - target, standardised units) on every pool row. */
    private double[] residuals(RegressionModel m) {
        double[][] py = Predictions.of(m, task.data().subset(pool), Normalizer.identity());
        double[] r = new double[pool.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = py[0][i] - py[1][i];
        }
        return r;
    }

    /** Adds the shadow audits' metrics of one model (method {@code method}, built by this seed's protocol). */
    void evaluate(String method, RegressionModel target, Map<String, Double> metrics, Map<String, Object> details) {
        long start = System.nanoTime();
        if (lira != null) {
            double[] t = residuals(target);
            double[] scores = new double[liraForget.length + liraTest.length];
            for (int i = 0; i < liraForget.length; i++) {
                scores[i] = t[liraForget[i]];
            }
            for (int i = 0; i < liraTest.length; i++) {
                scores[liraForget.length + i] = t[liraTest[i]];
            }
            double[] llr = lira.logLikelihoodRatio(scores);
            Roc roc = Roc.of(Arrays.copyOfRange(llr, 0, liraForget.length),
                    Arrays.copyOfRange(llr, liraForget.length, llr.length));
            metrics.put("lira_auc", roc.auc());
            metrics.put("lira_tpr_at_1pct_fpr", roc.tprAtFpr(LossThreshold.FPR_1));
            metrics.put("lira_tpr_at_0_1pct_fpr", roc.tprAtFpr(LossThreshold.FPR_01));
            details.put("lira_roc", Experiment.curve(roc));
            details.put("lira_per_example_variance", lira.perExample());
        }
        if (audits.has("ulira") || audits.has("neurips")) {
            double[][] u = new double[k][forget.length];
            double[][] r = new double[k][forget.length];
            boolean[][] has = new boolean[k][forget.length];
            double maeUr = 0;
            double maeRr = 0;
            double maeUt = 0;
            double maeRt = 0;
            int pairs = 0;
            for (int s = 0; s < k; s++) {
                if (tasks[s] == null) {
                    continue;
                }
                double[] ur;
                if (method.equals("original")) {
                    ur = shadowResiduals[s];
                } else {
                    RegressionModel um = Methods.create(method, config).unlearn(shadows[s], tasks[s], seedOf(s, 2),
                            ProgressListener.NONE).model();
                    ur = residuals(um);
                }
                double[] rr = retrainedResiduals[s];
                for (int x = 0; x < forget.length; x++) {
                    int p = poolIndex[forget[x]];
                    has[s][x] = in[s][p];
                    u[s][x] = ur[p];
                    r[s][x] = rr[p];
                }
                double[] mae = utilityErrors(s, ur, rr);
                maeUr += mae[0];
                maeRr += mae[1];
                maeUt += mae[2];
                maeRt += mae[3];
                pairs++;
            }
            if (audits.has("ulira")) {
                ULira.Result ul = ULira.attack(u, r, has);
                metrics.put("ulira_accuracy", ul.accuracy());
                metrics.put("ulira_auc", ul.auc());
                details.put("ulira_trials", ul.trials());
            }
            if (audits.has("neurips")) {
                NeurIpsScore.Result ns = NeurIpsScore.evaluate(u, r, has, NeurIpsScore.DELTA);
                double utility = pairs == 0 ? Double.NaN : (maeRr / maeUr) * (maeRt / maeUt);
                metrics.put("neurips_forgetting_quality", ns.forgettingQuality());
                metrics.put("neurips_utility", utility);
                metrics.put("neurips_score", ns.forgettingQuality() * utility);
                details.put("neurips_examples", ns.epsilons().length);
            }
            details.put("shadow_pairs", pairs);
        }
        details.put("shadow_models", k);
        details.put("shadow_audit_seconds", (System.nanoTime() - start) / 1e9);
    }

    /**
     * Mean absolute residuals of shadow s's unlearned and retrained models on its retain training rows
     * and on the test rows of the retain cohort it did not train on: {@code {U retain, R retain, U test, R test}}.
     */
    private double[] utilityErrors(int s, double[] ur, double[] rr) {
        double[] sum = new double[4];
        int nr = 0;
        int nt = 0;
        for (int p = 0; p < pool.length; p++) {
            if (in[s][p] && !isForget[p]) {
                sum[0] += Math.abs(ur[p]);
                sum[1] += Math.abs(rr[p]);
                nr++;
            } else if (!in[s][p] && isTestRetain[p]) {
                sum[2] += Math.abs(ur[p]);
                sum[3] += Math.abs(rr[p]);
                nt++;
            }
        }
        return new double[] {sum[0] / nr, sum[1] / nr, nt == 0 ? Double.NaN : sum[2] / nt, nt == 0 ? Double.NaN : sum[3] / nt};
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] concatSorted(int[] a, int[] b) {
        int[] out = concat(a, b);
        Arrays.sort(out);
        return out;
    }
}
