package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
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
import org.lethe.unlearning.experiment.BeyondPaper;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.Summary;

/**
 * SSD, LFSSD and Fisher forgetting (docs/methods.md): the mechanics on Concrete with a briefly trained
 * MLP (only the elements above SSD's threshold change, each by exactly its factor; Fisher forgetting's
 * noise is exactly {@code sqrt(alpha * min(1 / (F + 1e-8), max_variance))} times the seeded normals),
 * and the behaviour with the defaults on the weak-concrete cohort, seeds 1-3 (numbers in docs/methods.md).
 */
class BeyondPaperDampeningTest {
    private static ExperimentConfig config;
    private static UnlearningTask task;
    private static RegressionModel original;
    private static ExperimentResult result;

    @BeforeAll
    static void setUp() {
        config = Defaults.forDataset("concrete", null, 8).withAin(false);
        task = Experiment.task(config);
        original = Models.create(config.model(), new Rng(1));
        new Trainer(config.original().withEpochs(20).withSeed(1), null).fit(original, task.train(), null);
        original.train();
        result = Experiment.run(config.withMethods(List.of("ssd", "lfssd", "fisher")), new Experiment.Listener() { });
    }

    private static Map<String, float[]> state(RegressionModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static double mean(String method, String metric) {
        Summary s = result.summary().get(method).get(metric);
        assertEquals(3, s.n(), method + " " + metric + " over three seeds");
        return s.mean();
    }

    @Test
    void ssdFactorIsOneBelowTheThresholdAndTheCappedRatioAbove() {
        assertEquals(1.0, SsdUnlearner.factor(1, 10, 10, 1), "I_f = alpha I_D is not above the threshold");
        assertEquals(0.5, SsdUnlearner.factor(1, 20, 10, 10), 1e-15, "lambda I_D / I_f = 10 / 20");
        assertEquals(1.0, SsdUnlearner.factor(1, 20, 10, 100), "min(1, 5)");
        assertEquals(0.0, SsdUnlearner.factor(0, 1e-9, 10, 1), "no importance on D: the element is zeroed");
        assertEquals(1.0, SsdUnlearner.factor(0, 0, 10, 1), "no importance anywhere: unchanged");
    }

    @Test
    void ssdAndLfssdChangeOnlyTheElementsAboveTheThresholdByExactlyTheirFactor() {
        for (boolean lossFree : new boolean[] {false, true}) {
            SsdUnlearner.Config c = SsdUnlearner.Config.defaults(lossFree);
            Map<String, double[]> iD = SsdUnlearner.importance(original, task, task.train(), c);
            Map<String, double[]> iF = SsdUnlearner.importance(original, task, task.forgetRows(), c);
            Map<String, float[]> before = state(original);
            UnlearningResult r = new SsdUnlearner(c).unlearn(original, task, 1, ProgressListener.NONE);
            assertEquals(0L, r.steps(), "no training");
            Map<String, float[]> after = state(r.model());
            assertEquals(before.keySet(), iD.keySet(), "every parameter, weights and biases");
            long dampened = 0;
            long kept = 0;
            for (String k : before.keySet()) {
                float[] b = before.get(k);
                float[] a = after.get(k);
                for (int i = 0; i < b.length; i++) {
                    double d = iD.get(k)[i];
                    double f = iF.get(k)[i];
                    if (f > c.alpha() * d) {
                        dampened++;
                        float expected = (float) (b[i] * Math.min(1, c.lambda() * d / f));
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(a[i]), k + "[" + i + "] dampened");
                    } else {
                        kept++;
                        assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]), k + "[" + i + "] below");
                    }
                }
            }
            String name = lossFree ? "lfssd" : "ssd";
            assertTrue(dampened > 0 && kept > dampened, name + ": " + dampened + " dampened, " + kept + " kept");
            assertEquals(dampened, r.details().get("dampened_parameters"), name);
            assertEquals(dampened + kept, r.details().get("parameters"), name);
            assertEquals(before.keySet(), state(original).keySet());
            before.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, state(original).get(k)), name + " changed the original"));
        }
    }

    @Test
    void lfssdImportanceNeedsNoTargets() {
        SsdUnlearner.Config c = SsdUnlearner.Config.defaults(true);
        Dataset forget = task.forgetRows();
        double[] y = new double[forget.size()];
        java.util.Arrays.fill(y, 1234.5);
        Map<String, double[]> a = SsdUnlearner.importance(original, task, forget, c);
        Map<String, double[]> b = SsdUnlearner.importance(original, task, new Relabelled(forget, y), c);
        a.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, b.get(k)), k));
        Map<String, double[]> s = SsdUnlearner.importance(original, task, forget, SsdUnlearner.Config.defaults(false));
        assertTrue(a.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(a.get(k), s.get(k))), "SSD's loss importance differs");
    }

    @Test
    void fisherNoiseIsTheClampedInverseFisherTimesSeededNormals() {
        FisherUnlearner.Config c = FisherUnlearner.Config.defaults();
        long seed = 7;
        Dataset rows = FisherUnlearner.rows(task, c.samples(), seed);
        assertEquals(Math.min(c.samples(), task.retain().size()), rows.size());
        Map<String, double[]> f = FisherUnlearner.fisher(original, rows);
        Map<String, float[]> before = state(original);
        UnlearningResult r = new FisherUnlearner(c).unlearn(original, task, seed, ProgressListener.NONE);
        assertEquals(0L, r.steps(), "no training");
        Map<String, float[]> after = state(r.model());
        Rng rng = new Rng(seed + 1);
        double cap = Math.sqrt(c.alpha() * c.maxVariance());
        long clamped = 0;
        for (String k : before.keySet()) {
            float[] b = before.get(k);
            float[] a = after.get(k);
            for (int i = 0; i < b.length; i++) {
                double s = FisherUnlearner.std(f.get(k)[i], c.alpha(), c.maxVariance());
                assertTrue(s > 0 && s <= cap * (1 + 1e-12), k + "[" + i + "]: std " + s);
                clamped += s >= cap * (1 - 1e-12) ? 1 : 0;
                float expected = (float) (b[i] + s * rng.nextGaussian());
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(a[i]), k + "[" + i + "]");
            }
        }
        assertEquals(clamped, r.details().get("clamped_parameters"));
        assertEquals(Math.sqrt(1e-6 * 1000), FisherUnlearner.std(0, 1e-6, 1000), 1e-15, "no information: the clamp");
        assertEquals(Math.sqrt(1e-6 / (4 + 1e-8)), FisherUnlearner.std(4, 1e-6, 1000), 1e-18, "sqrt(alpha / F)");
        RegressionModel again = new FisherUnlearner(c).unlearn(original, task, seed, ProgressListener.NONE).model();
        after.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, state(again).get(k)), "same seed: " + k));
        RegressionModel other = new FisherUnlearner(c).unlearn(original, task, seed + 10, ProgressListener.NONE).model();
        assertNotEquals(java.util.Arrays.toString(after.get("layers.0.weight")),
                java.util.Arrays.toString(state(other).get("layers.0.weight")), "another seed, other noise");
        before.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, state(original).get(k)), "original: " + k));
    }

    @Test
    void fisherIsTheMeanSquaredOutputJacobianPerRow() {
        Dataset rows = FisherUnlearner.rows(task, 3, 1);
        assertEquals(3, rows.size());
        Map<String, double[]> all = FisherUnlearner.fisher(original, rows);
        Map<String, double[]> sum = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            FisherUnlearner.fisher(original, rows.subset(new int[] {i})).forEach((k, v) -> {
                double[] s = sum.computeIfAbsent(k, x -> new double[v.length]);
                for (int j = 0; j < v.length; j++) {
                    s[j] += v[j] / 3;
                }
            });
        }
        all.forEach((k, v) -> {
            for (int j = 0; j < v.length; j++) {
                assertEquals(sum.get(k)[j], v[j], 1e-12 * Math.max(1, Math.abs(v[j])), k + "[" + j + "]");
            }
        });
    }

    @Test
    void settingsAreCheckedAndNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SsdUnlearner.Config(false, 0, 1, 64))
                .getMessage().startsWith("ssd: alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SsdUnlearner.Config(true, 10, -1, 64))
                .getMessage().startsWith("lfssd: lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FisherUnlearner.Config(1e-6, 0, 10))
                .getMessage().startsWith("fisher: max_variance"));
        BeyondPaper b = BeyondPaper.defaults().with("ssd", Map.of("lambda", 2)).with("fisher", Map.of("samples", 50));
        assertEquals(2.0, b.ssd().lambda());
        assertEquals(1.0, b.lfssd().lambda(), "lfssd has its own settings");
        assertEquals(50, b.fisher().samples());
        assertTrue(b.lfssd().lossFree() && !b.ssd().lossFree());
        assertEquals(List.of("alpha", "lambda", "batch_size"), List.copyOf(b.describe("lfssd").keySet()));
        assertEquals(List.of("alpha", "max_variance", "samples"), List.copyOf(b.describe("fisher").keySet()));
    }

    /**
     * SSD and LFSSD move the forget error toward Retrain's and the predictions and the attack with it, at
     * a retain-error cost above the 15% that the other methods keep (measured: +24% and +18%; bound 30%).
     */
    @Test
    void ssdAndLfssdMoveTheForgetErrorTowardRetrainsAtSomeRetainCost() {
        double original = mean("original", "forget_test_mae");
        double retrain = mean("retrain", "forget_test_mae");
        for (String m : List.of("ssd", "lfssd")) {
            double f = mean(m, "forget_test_mae");
            assertTrue(f > original + 0.4 * (retrain - original) && f <= 1.1 * retrain, m + ": " + original + " -> " + f
                    + " (Retrain " + retrain + ")");
            assertTrue(mean(m, "retain_test_mae") <= 1.30 * mean("original", "retain_test_mae"), m + " retain");
            assertTrue(mean(m, "w1_to_retrain") < mean("original", "w1_to_retrain"), m + " W1");
            double target = mean("retrain", "mia_forget");
            assertTrue(Math.abs(mean(m, "mia_forget") - target) < Math.abs(mean("original", "mia_forget") - target), m + " MIA");
            assertEquals(0.0, mean(m, "steps"));
        }
    }

    /**
     * Fisher forgetting with Golatkar et al.'s alpha barely moves the forget error (toward Retrain's) and
     * keeps the retain error within 2%; its undirected noise does not bring the predictions closer to Retrain's.
     */
    @Test
    void fisherMovesTheForgetErrorSlightlyAndKeepsTheRetainError() {
        double original = mean("original", "forget_test_mae");
        double f = mean("fisher", "forget_test_mae");
        assertTrue(f > original && f < mean("retrain", "forget_test_mae"), original + " -> " + f);
        assertTrue(mean("fisher", "retain_test_mae") <= 1.02 * mean("original", "retain_test_mae"));
        assertEquals(0.0, mean("fisher", "steps"));
    }
}
