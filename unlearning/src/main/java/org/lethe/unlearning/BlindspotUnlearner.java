package org.lethe.unlearning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.Activation;
import org.lethe.models.ModelOutput;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.train.ProgressListener;

/**
 * Blindspot unlearning, the paper's main method.
 * <ol>
 *   <li>A blindspot model B of the same architecture, freshly initialised, is trained on the retain rows
 *       with the task loss for a few epochs (Adam 0.01, batch 256), then frozen and used in evaluation
 *       mode without gradient.</li>
 *   <li>The student S, a copy of the original, trains on all training rows. Per shuffled batch with
 *       forget rows F and retain rows R: {@code L_r = loss(S(x)[R], y[R])},
 *       {@code L_f = loss(S(x)[F], B(x)[F]) + beta * sum_k AD(a_S^k[F], a_B^k[F])} over the models'
 *       activations ({@link Attention}), {@code lambda = |F| / B} for this batch, and
 *       {@code L = lambda L_f + (1 - lambda) L_r} (each term 0 when its rows are absent); one Adam step.</li>
 * </ol>
 * Defaults (the paper's image task): blindspot 2 epochs at 0.01; unlearning 1 epoch at 0.001 (its text
 * task used 10 and 5); batch 256; beta 50. The last epoch's weights are the result.
 */
public final class BlindspotUnlearner implements Unlearner {
    /** Settings; {@link #paper()} gives the paper's image-task values. */
    public record Config(int blindspotEpochs, double blindspotLearningRate, int epochs, double learningRate, int batchSize,
                         double beta) {
        public static Config paper() {
            return new Config(2, 0.01, 1, 0.001, 256, 50);
        }
    }

    private final Config config;

    public BlindspotUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "blindspot";
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("blindspot_epochs", config.blindspotEpochs(), "blindspot_learning_rate", config.blindspotLearningRate(),
                "epochs", config.epochs(), "learning_rate", config.learningRate(), "batch_size", config.batchSize(),
                "beta", config.beta());
    }

    /** The blindspot model: fresh, trained briefly on the retain rows, then frozen in evaluation mode. */
    RegressionModel blindspot(UnlearningTask task, long seed, long[] steps, ProgressListener progress) {
        RegressionModel b = Models.create(task.spec(), new Rng(seed ^ 0x5DEECE66DL));
        steps[0] += TrainingLoop.run(b, task.retain(), config.blindspotEpochs(), config.batchSize(),
                config.blindspotLearningRate(), seed + 2, (batch, out) -> task.loss().apply(out.prediction(), batch.y()),
                "blindspot model", progress);
        b.eval();
        b.freeze();
        return b;
    }

    /**
     * The Blindspot loss for one batch: {@code lambda L_f + (1 - lambda) L_r}, with the forget rows
     * flagged in {@code forgetMask} (indexed by data set row).
     */
    public static Tensor loss(UnlearningTask task, Batch batch, ModelOutput student, RegressionModel blindspot,
                              boolean[] forgetMask, double beta) {
        int n = batch.size();
        boolean[] f = new boolean[n];
        boolean[] r = new boolean[n];
        int nf = 0;
        for (int i = 0; i < n; i++) {
            f[i] = forgetMask[batch.rows()[i]];
            r[i] = !f[i];
            nf += f[i] ? 1 : 0;
        }
        double lambda = nf / (double) n;
        Tensor total = null;
        if (nf < n) {
            Tensor lr = task.loss().apply(student.prediction().maskedRows(r), batch.y().maskedRows(r));
            total = lr.mul(1 - lambda);
        }
        if (nf > 0) {
            ModelOutput teacher;
            try (GradMode.Guard g = GradMode.noGrad()) {
                teacher = blindspot.forward(batch.x());
            }
            Tensor lf = task.loss().apply(student.prediction().maskedRows(f), teacher.prediction().maskedRows(f));
            List<Activation> sa = student.activations();
            List<Activation> ta = teacher.activations();
            for (int k = 0; k < sa.size(); k++) {
                lf = lf.add(Attention.difference(sa.get(k).value().maskedRows(f), ta.get(k).value().maskedRows(f)).mul(beta));
            }
            total = total == null ? lf.mul(lambda) : total.add(lf.mul(lambda));
        }
        return total;
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        long[] steps = {0};
        RegressionModel blind = blindspot(task, seed, steps, progress);
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        boolean[] mask = task.forget().forgetMask(task.data().size());
        steps[0] += TrainingLoop.run(student, task.train(), config.epochs(), config.batchSize(), config.learningRate(),
                seed + 3, (b, out) -> loss(task, b, out, blind, mask, config.beta()), "blindspot", progress);
        List<String> names = new ArrayList<>();
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (Activation a : blind.forward(task.train().batch(new int[] {0}).x()).activations()) {
                names.add(a.name());
            }
        }
        return new UnlearningResult(student, steps[0], (System.nanoTime() - start) / 1e9, Map.of("activations", names));
    }
}
