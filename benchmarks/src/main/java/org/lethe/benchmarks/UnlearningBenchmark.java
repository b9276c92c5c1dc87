package org.lethe.benchmarks;

import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.TensorScope;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.RetrainUnlearner;
import org.lethe.unlearning.Unlearner;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.metrics.Predictions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of unlearning on a built-in data set with the protocol's settings (`Defaults`):
 * {@code retrain-epoch} is one epoch of Retrain (training from scratch on the retain rows, with its
 * validation pass), {@code gaussian} the whole Gaussian fine-tuning (relabelling and its epoch) and
 * {@code blindspot} the whole Blindspot unlearning (the blindspot model's epochs and the unlearning
 * pass). Retrain at the paper's 100 epochs costs 100 times {@code retrain-epoch}. The original model
 * is trained for two epochs in the setup (the cost of unlearning does not depend on how well it was
 * trained); the setup checks that the method returns a different model with finite predictions.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class UnlearningBenchmark extends BaseBenchmark {
    @Param({"concrete", "fashion-rotation"})
    public String dataset;

    @Param({"retrain-epoch", "gaussian", "blindspot"})
    public String method;

    @Param({"2"})
    public int threads;

    private Backend be;
    private UnlearningTask task;
    private RegressionModel original;
    private Unlearner unlearner;
    private long seed;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open("cpu", threads);
        Backends.setDefaultBackend(be);
        ExperimentConfig c = Defaults.forDataset(dataset, null, dataset.equals("concrete") ? 8 : 0);
        task = Experiment.task(c);
        original = TensorScope.detached(() -> {
            RegressionModel m = Models.create(c.model(), new Rng(1));
            new Trainer(c.original().withEpochs(2), null).fit(m, task.train(), null);
            return m;
        });
        unlearner = switch (method) {
            case "retrain-epoch" -> new RetrainUnlearner(c.original().withEpochs(1));
            case "gaussian" -> new GaussianUnlearner(c.gaussian());
            case "blindspot" -> new BlindspotUnlearner(c.blindspot());
            default -> throw new IllegalArgumentException("unknown method " + method);
        };
        try (TensorScope s = TensorScope.open()) {
            RegressionModel u = unlearner.unlearn(original, task, 1, ProgressListener.NONE).model();
            double[] before = Predictions.of(original, task.forgetRows(), task.normalizer())[0];
            double[] after = Predictions.of(u, task.forgetRows(), task.normalizer())[0];
            boolean changed = false;
            for (int i = 0; i < after.length; i++) {
                if (!Double.isFinite(after[i])) {
                    throw new IllegalStateException(method + ": prediction " + i + " is " + after[i]);
                }
                changed |= after[i] != before[i];
            }
            if (!changed) {
                throw new IllegalStateException(method + " returned the original's predictions");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public long unlearn() {
        try (TensorScope s = TensorScope.open()) {
            return unlearner.unlearn(original, task, ++seed, ProgressListener.NONE).steps();
        }
    }

    @Benchmark
    public List<?> baseline() {
        try (TensorScope s = TensorScope.open()) {
            return List.of(original.deepCopy());
        }
    }
}
