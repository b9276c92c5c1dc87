package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Dataset;
import org.lethe.models.nn.StateDict;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;

/**
 * NegGrad+ (Kurmanji, Triantafillou, Hayes and Triantafillou, "Towards Unbounded Machine Unlearning",
 * NeurIPS 2023): fine-tuning on the retain rows while ascending the task loss on the forget rows,
 * {@code L = beta * loss(D_r batch) - (1 - beta) * loss(D_f batch)}.
 *
 * <p>Regression port. A copy of the original trains with Adam at a constant learning rate for a number of
 * epochs over the retain rows in shuffled batches; each step pairs its retain batch with the next batch
 * of forget rows of the same size (the forget rows are reshuffled at every pass through them, and
 * cycled while the retain rows last), and takes one step on the loss above with the task loss (L1 or
 * MSE on standardised targets). The ascent term is unbounded below (plain gradient ascent on an L1 or
 * MSE loss diverges), so a guard stops the method: the <em>retain error</em> is the mean task loss of
 * the model in evaluation mode on the retain part of the validation split (the rows Retrain validates
 * on; the training retain rows when that part is empty), measured before the first step and at the end
 * of every epoch; when it exceeds {@code (1 + guard) * } its value for the original, training stops and
 * the weights at the end of the last epoch within the bound are the result (the original's, if the
 * first epoch already crosses it). The guard looks at epoch ends, not at every step, because Adam's
 * first steps can raise the loss for a moment before it falls (on fashion-rotation with a SmallCNN
 * trained for one epoch, a per-step guard stopped NegGrad+ at its first step, where Finetune goes on to
 * halve the retain error); an ascent that runs away does so over epochs. The
 * details record whether and at which epoch and step the guard stopped.
 *
 * <p>Defaults: beta 0.99 (SPEC's range is 0.95 to 0.99; docs/methods.md shows 0.95 forgetting more on concrete),
 * Adam learning rate 0.001, batch 256, 5 epochs (Finetune's settings, so that NegGrad+ is Finetune plus
 * the ascent term), guard 0.10 (retain error at most 10% above the original's).
 */
public final class NegGradPlusUnlearner implements Unlearner {
    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(double beta, double learningRate, int epochs, int batchSize, double guard) {
        public Config {
            if (!(beta >= 0 && beta <= 1)) {
                throw new IllegalArgumentException("neggrad: beta must be in [0, 1], got " + beta);
            }
            Checks.positive("neggrad", "learning_rate", learningRate);
            Checks.atLeast("neggrad", "epochs", epochs, 1);
            Checks.atLeast("neggrad", "batch_size", batchSize, 1);
            Checks.nonNegative("neggrad", "guard", guard);
        }

        public static Config defaults() {
            return new Config(0.99, 0.001, 5, 256, 0.10);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("beta", beta);
            m.put("learning_rate", learningRate);
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            m.put("guard", guard);
            return m;
        }
    }

    private final Config config;

    public NegGradPlusUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "neggrad";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /** The rows the guard measures the retain error on: the retain part of the validation split, else the retain rows. */
    static Dataset guardRows(UnlearningTask task) {
        Dataset v = task.validationRetain();
        return v.size() > 0 ? v : task.retain();
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        RegressionModel student = original.deepCopy();
        student.unfreeze();
        Dataset retain = task.retain();
        Dataset forget = task.forgetRows();
        Dataset guardRows = guardRows(task);
        double before = Trainer.evaluate(student, guardRows, task.loss(), config.batchSize());
        double limit = before * (1 + config.guard());
        Cycle cycle = new Cycle(forget.size(), config.batchSize(), new Rng(seed + 11));
        double beta = config.beta();
        BatchLoss loss = (b, out) -> {
            Tensor l = task.loss().apply(out.prediction(), b.y()).mul(beta);
            if (forget.size() == 0 || beta == 1) {
                return l;
            }
            Batch fb = forget.batch(cycle.next());
            Tensor lf = task.loss().apply(student.forward(fb.x()).prediction(), fb.y());
            return l.sub(lf.mul(1 - beta));
        };
        int stepsPerEpoch = Math.max(1, (retain.size() + config.batchSize() - 1) / config.batchSize());
        Guard guard = new Guard(student, guardRows, task, limit, config.batchSize());
        long steps = TrainingLoop.run(student, retain, config.epochs(), config.batchSize(),
                new Adam(student.trainableParameters(), config.learningRate()), seed + 1, new TrainingLoop.Hooks() {
                    @Override
                    public BatchLoss loss(int epoch) {
                        return loss;
                    }

                    @Override
                    public boolean proceed(long step) {
                        return step % stepsPerEpoch != 0 || guard.check(step, (int) (step / stepsPerEpoch));
                    }
                }, "neggrad", progress);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("guard_retain_loss_original", before);
        details.put("guard_retain_loss_limit", limit);
        details.put("guard_retain_loss_final", guard.accepted);
        details.put("guard_stopped", guard.stoppedAt > 0);
        details.put("guard_stopped_at_step", guard.stoppedAt);
        details.put("guard_stopped_at_epoch", guard.stoppedEpoch);
        details.put("guard_rows", guardRows.size());
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9, details);
    }

    /**
     * The retain-error guard: at the end of each epoch, the task loss on the guard rows; above the limit,
     * the weights go back to the end of the last epoch within it and training stops.
     */
    static final class Guard {
        private final RegressionModel model;
        private final Dataset rows;
        private final UnlearningTask task;
        private final double limit;
        private final int batchSize;
        private StateDict last;
        double accepted;
        long stoppedAt;
        int stoppedEpoch;

        Guard(RegressionModel model, Dataset rows, UnlearningTask task, double limit, int batchSize) {
            this.model = model;
            this.rows = rows;
            this.task = task;
            this.limit = limit;
            this.batchSize = batchSize;
            this.last = Copies.snapshot(model);
            this.accepted = Trainer.evaluate(model, rows, task.loss(), batchSize);
        }

        boolean check(long step, int epoch) {
            double now = Trainer.evaluate(model, rows, task.loss(), batchSize);
            if (!(now <= limit)) {
                model.loadStateDict(last, true);
                stoppedAt = step;
                stoppedEpoch = epoch;
                return false;
            }
            accepted = now;
            last = Copies.snapshot(model);
            return true;
        }
    }

    /** Batches of {@code n} rows in a fresh shuffled order at each pass, endlessly. */
    static final class Cycle {
        private final int n;
        private final int batchSize;
        private final Rng rng;
        private int[] order;
        private int at;

        Cycle(int n, int batchSize, Rng rng) {
            this.n = n;
            this.batchSize = Math.max(1, Math.min(batchSize, Math.max(1, n)));
            this.rng = rng;
        }

        int[] next() {
            if (order == null || at >= n) {
                order = rng.permutation(n);
                at = 0;
            }
            int end = Math.min(n, at + batchSize);
            int[] rows = java.util.Arrays.copyOfRange(order, at, end);
            at = end;
            return rows;
        }
    }
}
