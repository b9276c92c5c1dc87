package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.Summary;

/**
 * The methods do on real data what the paper claims, with fixed seeds (Concrete, the weak-concrete
 * cohort, three seeds): Blindspot moves the forget-cohort error from Original's toward Retrain's,
 * brings the predictions on the forget rows closer to Retrain's than Original's are, and keeps the
 * retain error within 15% of Original's; no method changes the original.
 */
class BehaviourTest {
    private static ExperimentResult result;

    @BeforeAll
    static void run() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withAin(false);
        result = Experiment.run(c, new Experiment.Listener() { });
    }

    private static double mean(String method, String metric) {
        Summary s = result.summary().get(method).get(metric);
        assertEquals(3, s.n(), method + " " + metric + " over three seeds");
        return s.mean();
    }

    @Test
    void blindspotMovesTheForgetCohortErrorTowardRetrain() {
        double original = mean("original", "forget_test_mae");
        double retrain = mean("retrain", "forget_test_mae");
        double blindspot = mean("blindspot", "forget_test_mae");
        assertTrue(retrain > original, "forgetting the weak cohort makes it harder to predict: " + original + " -> " + retrain);
        assertTrue(blindspot > original && blindspot <= retrain * 1.1,
                "Blindspot's forget error " + blindspot + " lies between Original's " + original + " and Retrain's " + retrain);
    }

    @Test
    void blindspotIsCloserToRetrainThanOriginal() {
        assertTrue(mean("blindspot", "w1_to_retrain") < mean("original", "w1_to_retrain"));
        assertTrue(Math.abs(mean("blindspot", "mia_forget") - mean("retrain", "mia_forget"))
                < Math.abs(mean("original", "mia_forget") - mean("retrain", "mia_forget")));
    }

    @Test
    void blindspotKeepsTheRetainError() {
        double original = mean("original", "retain_test_mae");
        double blindspot = mean("blindspot", "retain_test_mae");
        assertTrue(blindspot <= 1.15 * original, "retain error " + original + " -> " + blindspot);
    }

    @Test
    void gaussianLabelsHaveTheTrainingTargetsMeanAndSpread() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withForget("random:0.5");
        UnlearningTask task = Experiment.task(c);
        Dataset relabelled = GaussianUnlearner.relabel(task, 4);
        boolean[] flags = task.trainForgetFlags();
        Dataset train = task.train();
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < train.size(); i++) {
            mean += train.target(i);
            sq += train.target(i) * train.target(i);
        }
        int n = train.size();
        mean /= n;
        double sd = Math.sqrt((sq - n * mean * mean) / (n - 1));
        double m = 0;
        double s = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (flags[i]) {
                m += relabelled.target(i);
                s += relabelled.target(i) * relabelled.target(i);
                k++;
            } else {
                assertEquals(train.target(i), relabelled.target(i), "retain targets are untouched");
            }
        }
        m /= k;
        double drawnSd = Math.sqrt((s - k * m * m) / (k - 1));
        assertEquals(mean, m, 4 * sd / Math.sqrt(k), "mean of the drawn labels");
        assertEquals(sd, drawnSd, 0.12 * sd, "spread of the drawn labels");
    }

    @Test
    void noMethodChangesTheOriginalModel() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withAin(false);
        UnlearningTask task = Experiment.task(c);
        RegressionModel original = Models.create(c.model(), new Rng(1));
        new Trainer(c.original().withEpochs(3), null).fit(original, task.train(), null);
        original.train();
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        original.stateDict().tensors().forEach((k, v) -> before.put(k, v.toFloatArray()));
        for (Unlearner u : List.of(new RetrainUnlearner(c.original().withEpochs(2)), new FinetuneUnlearner(c.finetune()),
                new GaussianUnlearner(c.gaussian()), new BlindspotUnlearner(c.blindspot()))) {
            RegressionModel out = u.unlearn(original, task, 5, ProgressListener.NONE).model();
            assertTrue(out != original, u.name() + " returned the original");
            before.forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v,
                    original.stateDict().get(k).toFloatArray(), u.name() + " changed " + k));
            assertTrue(original.isTraining(), u.name() + " changed the original's mode");
        }
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withAin(false).withSeeds(List.of(7L))
                .withMethods(List.of("blindspot"));
        ExperimentResult a = Experiment.run(c, new Experiment.Listener() { });
        ExperimentResult b = Experiment.run(c, new Experiment.Listener() { });
        for (int i = 0; i < a.runs().size(); i++) {
            Map<String, Double> ma = new java.util.TreeMap<>(a.runs().get(i).metrics());
            Map<String, Double> mb = new java.util.TreeMap<>(b.runs().get(i).metrics());
            ma.remove("seconds");
            mb.remove("seconds");
            ma.remove("speedup");
            mb.remove("speedup");
            assertEquals(ma, mb, a.runs().get(i).method());
        }
    }
}
