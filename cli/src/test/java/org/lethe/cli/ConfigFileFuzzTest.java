package org.lethe.cli;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.nn.ParameterBudget;
import org.lethe.models.train.TrainConfig;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.Methods;

/**
 * Fuzz target: any bytes as {@code --config file.json}. Reading the file and applying it to the
 * defaults of {@code concrete} (what {@code lethe experiment --config} does before any training) may
 * only fail with a {@link UserError}; a configuration it accepts has settings the protocol can run
 * (positive batch sizes and learning rates, fractions that leave rows to train on, known methods, a
 * model that can be built). Committed inputs: {@code ConfigFileFuzzTestInputs/readConfig/}.
 */
class ConfigFileFuzzTest {
    private static final Path FILE;
    private static final ExperimentConfig BASE = Defaults.forDataset("concrete", null, 8);
    private static final long MODEL_VALUES = 1 << 21;

    static {
        try {
            FILE = Files.createTempFile("lethe-fuzz-", ".json");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("accepted a configuration with " + what);
        }
    }

    private static boolean rate(double r) {
        return r > 0 && Double.isFinite(r);
    }

    @FuzzTest
    @DictionaryEntries({"\"dataset\"", "\"target\"", "\"model\"", "\"architecture\"", "\"hyperparameters\"", "\"loss\"",
        "\"forget\"", "\"methods\"", "\"seeds\"", "\"split_seed\"", "\"validation_fraction\"", "\"test_fraction\"",
        "\"original\"", "\"finetune\"", "\"gaussian\"", "\"blindspot\"", "\"ain\"", "\"epochs\"", "\"batch_size\"",
        "\"learning_rate\"", "\"weight_decay\"", "\"early_stopping_patience\"", "\"keep_best\"", "\"blindspot_epochs\"",
        "\"blindspot_learning_rate\"", "\"beta\"", "\"max_epochs\"", "\"alpha\"", "\"off\"", "\"mlp\"", "\"lstm\"",
        "\"inputs\"", "\"hidden\"", "\"dropout\"", "\"l1\"", "\"mse\"", "\"huber\"", "\"finetune\"", "\"blindspot\"",
        "\"concrete\""})
    void readConfig(byte[] input) throws IOException {
        Files.write(FILE, input);
        // Models up to 2^21 values (8 MB): the reader's own budget (what the heap can train) would let
        // each input allocate a few hundred megabytes, and fuzzing would crawl.
        ExperimentConfig c;
        try (ParameterBudget budget = ParameterBudget.open(MODEL_VALUES, "the fuzz target's limit")) {
            ConfigFile file = ConfigFile.read(FILE);
            file.text("dataset");
            file.text("target");
            c = file.apply(BASE);
        } catch (UserError expected) {
            String m = expected.getMessage();
            if (m == null || m.isBlank() || m.indexOf('\n') >= 0) {
                throw new AssertionError("not a one-line message: " + m, expected);
            }
            return;
        }
        accepted(c);
    }

    private static void accepted(ExperimentConfig c) {
        TrainConfig o = c.original();
        check(o.epochs() >= 1 && o.batchSize() >= 1 && rate(o.learningRate()) && o.weightDecay() >= 0
                && Double.isFinite(o.weightDecay()) && o.earlyStoppingPatience() >= 0, "original " + o.describe());
        check(rate(c.finetune().learningRate()) && c.finetune().epochs() >= 0 && c.finetune().batchSize() >= 1,
                "finetune " + c.finetune());
        check(rate(c.gaussian().learningRate()) && c.gaussian().epochs() >= 0 && c.gaussian().batchSize() >= 1,
                "gaussian " + c.gaussian());
        var b = c.blindspot();
        check(b.blindspotEpochs() >= 0 && rate(b.blindspotLearningRate()) && b.epochs() >= 0 && rate(b.learningRate())
                && b.batchSize() >= 1 && b.beta() >= 0 && Double.isFinite(b.beta()), "blindspot " + b);
        var a = c.ain();
        check(!c.computeAin() || (rate(a.learningRate()) && a.batchSize() >= 1 && a.maxEpochs() >= 1 && a.alpha() >= 0
                && Double.isFinite(a.alpha())), "ain " + a);
        check(c.validation() >= 0 && c.test() >= 0 && c.validation() + c.test() < 1, "fractions " + c.validation()
                + ", " + c.test());
        check(!c.seeds().isEmpty(), "no seeds");
        check(Methods.ALL.containsAll(c.methods()), "methods " + c.methods());
        check(c.forget() != null && !c.forget().isBlank(), "no forget definition");
        try (ParameterBudget budget = ParameterBudget.open(MODEL_VALUES, "the fuzz target's limit")) {
            Models.create(c.model(), new Rng(0));
        }
    }
}
