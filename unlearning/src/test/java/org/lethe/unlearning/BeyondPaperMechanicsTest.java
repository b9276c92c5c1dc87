package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.optim.Adam;
import org.lethe.kernels.DType;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.TensorDataset;
import org.lethe.models.train.Loss;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.experiment.BeyondPaper;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.Methods;

/**
 * The mechanics of the methods beyond the paper, on Concrete with a briefly trained MLP: none changes
 * the original and the same seed gives the same model; the NegGrad+ guard stops and returns weights
 * within its bound; the SalUn mask keeps exactly the top half of the saliency and only salient weights
 * change; CF-k leaves the frozen layers bit-identical; EU-k re-initialises exactly the last k layers;
 * and the pieces (layers per architecture, l1 schedule, SCRUB's bounded distance, Bad Teacher's rows).
 */
class BeyondPaperMechanicsTest {
    private static ExperimentConfig config;
    private static UnlearningTask task;
    private static RegressionModel original;

    @BeforeAll
    static void train() {
        config = Defaults.forDataset("concrete", null, 8).withAin(false);
        task = Experiment.task(config);
        original = Models.create(config.model(), new Rng(1));
        new Trainer(config.original().withEpochs(20).withSeed(1), null).fit(original, task.train(), null);
        original.train();
    }

    private static Map<String, float[]> state(RegressionModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.stateDict().tensors().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertSameState(Map<String, float[]> expected, RegressionModel m, String what) {
        Map<String, float[]> actual = state(m);
        assertEquals(expected.keySet(), actual.keySet(), what);
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), what + ": " + k));
    }

    @Test
    void noMethodChangesTheOriginalAndTheSameSeedGivesTheSameModel() {
        Map<String, float[]> before = state(original);
        for (String name : Methods.BEYOND) {
            Unlearner u = Methods.create(name, config);
            assertEquals(name, u.name());
            RegressionModel a = u.unlearn(original, task, 5, ProgressListener.NONE).model();
            RegressionModel b = u.unlearn(original, task, 5, ProgressListener.NONE).model();
            assertTrue(a != original && b != original, name + " returned the original");
            assertSameState(before, original, name + " changed the original");
            assertTrue(original.isTraining(), name + " changed the original's mode");
            assertTrue(original.parameters().stream().allMatch(Tensor::requiresGrad), name + " froze the original");
            assertSameState(state(a), b, name + " with the same seed");
            if (name.equals("sisa")) {
                // SISA trains its own ensemble of shard models; the original's weights are not used.
                assertTrue(a instanceof org.lethe.models.Ensemble, "sisa returns an ensemble");
            } else if (name.endsWith("ssd")) {
                // SSD dampens only the elements above its threshold, wherever they are (not necessarily the output layer).
                assertTrue(before.keySet().stream().anyMatch(k -> !Arrays.equals(before.get(k), state(a).get(k))),
                        name + " changed nothing");
            } else {
                assertFalse(Arrays.equals(before.get("layers.4.weight"), state(a).get("layers.4.weight")),
                        name + " did not change the output layer");
            }
            assertTrue(a.parameters().stream().allMatch(Tensor::requiresGrad), name + " returned frozen parameters");
        }
    }

    @Test
    void negGradGuardStopsWhenTheRetainErrorWorsensByMoreThanItsFraction() {
        // Pure gradient ascent on the forget rows (beta 0): the retain error must worsen.
        NegGradPlusUnlearner guarded = new NegGradPlusUnlearner(new NegGradPlusUnlearner.Config(0.0, 0.001, 5, 256, 0.10));
        UnlearningResult r = guarded.unlearn(original, task, 2, ProgressListener.NONE);
        assertEquals(Boolean.TRUE, r.details().get("guard_stopped"));
        long at = (Long) r.details().get("guard_stopped_at_step");
        assertEquals(at, r.steps(), "the loop ends at the epoch that crossed the bound");
        assertEquals(0, at % 3, "the guard looks at epoch ends (3 steps per epoch)");
        assertEquals((int) (at / 3), r.details().get("guard_stopped_at_epoch"));
        double before = (Double) r.details().get("guard_retain_loss_original");
        double limit = (Double) r.details().get("guard_retain_loss_limit");
        assertEquals(1.10 * before, limit, 1e-12);
        double after = Trainer.evaluate(r.model(), NegGradPlusUnlearner.guardRows(task), task.loss(), 256);
        assertTrue(after <= limit, "the result is the last step within the bound: " + after + " > " + limit);
        assertEquals((Double) r.details().get("guard_retain_loss_final"), after, 1e-12);

        // Without the guard (a fraction too large to matter) the same run goes past the bound.
        NegGradPlusUnlearner free = new NegGradPlusUnlearner(new NegGradPlusUnlearner.Config(0.0, 0.001, 5, 256, 1e9));
        UnlearningResult f = free.unlearn(original, task, 2, ProgressListener.NONE);
        assertEquals(Boolean.FALSE, f.details().get("guard_stopped"));
        assertTrue(f.steps() > r.steps());
        assertTrue(Trainer.evaluate(f.model(), NegGradPlusUnlearner.guardRows(task), task.loss(), 256) > limit);

        // A guard of 0 stops at the first epoch that worsens the retain error; if that is the first
        // epoch (3 steps over the retain rows), the result is the original's weights exactly.
        UnlearningResult z = new NegGradPlusUnlearner(new NegGradPlusUnlearner.Config(0.0, 0.001, 5, 256, 0.0))
                .unlearn(original, task, 2, ProgressListener.NONE);
        assertEquals(1, z.details().get("guard_stopped_at_epoch"));
        assertEquals(3L, z.details().get("guard_stopped_at_step"));
        assertSameState(state(original), z.model(), "guard 0");
    }

    @Test
    void negGradDefaultsDoNotTripTheGuard() {
        UnlearningResult r = new NegGradPlusUnlearner(NegGradPlusUnlearner.Config.defaults())
                .unlearn(original, task, 2, ProgressListener.NONE);
        assertEquals(Boolean.FALSE, r.details().get("guard_stopped"));
        assertEquals(5L * 3, r.steps(), "5 epochs of 3 retain batches");
    }

    @Test
    void salunMaskKeepsExactlyTheTopHalfOfTheSaliency() {
        Map<String, double[]> g = SalUnUnlearner.forgetGradient(original, task, 256);
        assertEquals(original.namedParameters().keySet(), g.keySet(), "every parameter, weights and biases");
        Map<String, boolean[]> mask = SalUnUnlearner.mask(g, 0.5);
        int total = 0;
        int kept = 0;
        double minKept = Double.POSITIVE_INFINITY;
        double maxDropped = 0;
        for (String k : g.keySet()) {
            double[] v = g.get(k);
            boolean[] m = mask.get(k);
            assertEquals(v.length, m.length);
            for (int i = 0; i < v.length; i++) {
                total++;
                if (m[i]) {
                    kept++;
                    minKept = Math.min(minKept, Math.abs(v[i]));
                } else {
                    maxDropped = Math.max(maxDropped, Math.abs(v[i]));
                }
            }
        }
        assertEquals(Math.round(0.5 * total), kept, "exactly half of " + total);
        assertTrue(minKept >= maxDropped, "every kept |gradient| " + minKept + " >= every dropped one " + maxDropped);
        assertTrue(maxDropped > 0, "the gradient is not trivial");

        // Ties at the threshold go to the earlier elements, so the count is exact.
        Map<String, double[]> ties = new LinkedHashMap<>();
        ties.put("a", new double[] {1, -1, 1, 1});
        ties.put("b", new double[] {0, 2});
        Map<String, boolean[]> t = SalUnUnlearner.mask(ties, 0.5);
        assertArrayEquals(new boolean[] {true, true, false, false}, t.get("a"));
        assertArrayEquals(new boolean[] {false, true}, t.get("b"));
    }

    @Test
    void salunChangesOnlyTheSalientWeights() {
        Map<String, boolean[]> mask = SalUnUnlearner.mask(SalUnUnlearner.forgetGradient(original, task, 256), 0.5);
        Map<String, float[]> before = state(original);
        Map<String, float[]> after = state(new SalUnUnlearner(SalUnUnlearner.Config.defaults())
                .unlearn(original, task, 3, ProgressListener.NONE).model());
        int changed = 0;
        for (Map.Entry<String, boolean[]> e : mask.entrySet()) {
            float[] b = before.get(e.getKey());
            float[] a = after.get(e.getKey());
            for (int i = 0; i < b.length; i++) {
                if (!e.getValue()[i]) {
                    assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]), e.getKey() + "[" + i + "] is not salient");
                } else if (a[i] != b[i]) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 1000, "most salient weights change: " + changed);
    }

    @Test
    void cfkLeavesTheFrozenLayersBitIdentical() {
        List<ModelLayer> layers = ModelLayer.of(original);
        assertEquals(3, layers.size());
        Map<String, float[]> before = state(original);
        for (int k = 1; k <= 3; k++) {
            RegressionModel m = new CfkUnlearner(new CfkUnlearner.Config(k, 0.001, 5, 256))
                    .unlearn(original, task, 4, ProgressListener.NONE).model();
            Map<String, float[]> after = state(m);
            for (int l = 0; l < layers.size(); l++) {
                boolean trained = l >= layers.size() - k;
                for (String name : layers.get(l).state()) {
                    if (trained) {
                        assertFalse(Arrays.equals(before.get(name), after.get(name)), "k=" + k + ": " + name + " trains");
                    } else {
                        assertArrayEquals(before.get(name), after.get(name), "k=" + k + ": " + name + " is frozen");
                    }
                }
            }
        }
        int tooMany = 4;
        assertThrows(IllegalArgumentException.class, () -> new CfkUnlearner(new CfkUnlearner.Config(tooMany, 0.001, 5, 256))
                .unlearn(original, task, 4, ProgressListener.NONE));
    }

    @Test
    void eukReinitialisesExactlyTheLastKLayers() {
        List<ModelLayer> layers = ModelLayer.of(original);
        Map<String, float[]> before = state(original);
        for (int k = 1; k <= 3; k++) {
            RegressionModel copy = original.deepCopy();
            EukUnlearner.reinitialise(copy, k, 42);
            Map<String, float[]> fresh = state(Models.create(original.spec(), new Rng(42)));
            Map<String, float[]> after = state(copy);
            for (int l = 0; l < layers.size(); l++) {
                for (String name : layers.get(l).state()) {
                    if (l >= layers.size() - k) {
                        assertArrayEquals(fresh.get(name), after.get(name), "k=" + k + ": " + name + " re-initialised");
                        assertFalse(Arrays.equals(before.get(name), after.get(name)), name);
                    } else {
                        assertArrayEquals(before.get(name), after.get(name), "k=" + k + ": " + name + " kept");
                    }
                }
            }
        }
        // The whole method: the first layer stays the original's, the last two are new and trained.
        Map<String, float[]> after = state(new EukUnlearner(new EukUnlearner.Config(2, 0.01, 3, 256))
                .unlearn(original, task, 4, ProgressListener.NONE).model());
        for (String name : layers.get(0).state()) {
            assertArrayEquals(before.get(name), after.get(name), name + " is frozen");
        }
        for (ModelLayer l : layers.subList(1, 3)) {
            for (String name : l.state()) {
                assertFalse(Arrays.equals(before.get(name), after.get(name)), name);
            }
        }
    }

    /** A frozen BatchNorm runs in evaluation mode, so its running statistics stay bit-identical too. */
    @Test
    void frozenLayersKeepTheirBatchNormStatistics() {
        ModelSpec spec = new ModelSpec("allcnn", Map.of("channels", 1, "size", 8, "width", 0.1));
        RegressionModel m = Models.create(spec, new Rng(3));
        Rng rng = new Rng(5);
        TensorDataset data = new TensorDataset(Tensor.randn(rng, DType.FLOAT32, 32, 1, 8, 8),
                Tensor.randn(rng, DType.FLOAT32, 32, 1));
        List<ModelLayer> layers = ModelLayer.of(m);
        assertEquals(9, layers.size());
        assertTrue(layers.get(0).state().contains("conv1.1.running_mean"), "a conv and its BatchNorm are one layer");
        Map<String, float[]> before = state(m);
        int k = 3;
        ModelLayer.freezeAllButLast(m, layers, k);
        TrainingLoop.run(m, data, 2, 8, new Adam(m.trainableParameters(), 0.01), 1,
                ModelLayer.hooks((b, out) -> Loss.MSE.apply(out.prediction(), b.y()), layers, k), "cfk", ProgressListener.NONE);
        Map<String, float[]> after = state(m);
        for (int l = 0; l < layers.size(); l++) {
            for (String name : layers.get(l).state()) {
                if (l < layers.size() - k) {
                    assertArrayEquals(before.get(name), after.get(name), name + " is frozen");
                } else if (name.endsWith("weight")) {
                    assertFalse(Arrays.equals(before.get(name), after.get(name)), name + " trains");
                }
            }
        }
        assertNotEquals(Arrays.toString(before.get("conv7.1.running_mean")), Arrays.toString(after.get("conv7.1.running_mean")),
                "a trained BatchNorm updates its statistics");
    }

    /** The layer counts docs/methods.md and ModelLayer's comment give. */
    @Test
    void layersOfEachArchitecture() {
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        specs.put("mlp", Defaults.model("concrete", 8));
        specs.put("smallcnn", Defaults.model("fashion-rotation", 0));
        specs.put("allcnn", new ModelSpec("allcnn", Map.of("channels", 1, "size", 16, "width", 0.25)));
        specs.put("resnet18", new ModelSpec("resnet18", Map.of("channels", 1, "size", 16, "width", 0.125, "small_stem", true)));
        specs.put("lstm", Defaults.model("taylor", 0));
        specs.put("char", new ModelSpec("char", Map.of("length", 8, "vocabulary", 12, "embedding", 4, "hidden", 8)));
        specs.put("siamese", new ModelSpec("siamese", Map.of("length", 8, "vocabulary", 12, "embedding", 4, "hidden", 8)));
        Map<String, List<String>> paths = new LinkedHashMap<>();
        specs.forEach((name, spec) -> paths.put(name, ModelLayer.paths(ModelLayer.of(Models.create(spec, new Rng(1))))));
        assertEquals(List.of("layers.0", "layers.2", "layers.4"), paths.get("mlp"));
        assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), paths.get("smallcnn"));
        assertEquals(9, paths.get("allcnn").size());
        assertEquals("classifier.0", paths.get("allcnn").get(8));
        assertEquals(21, paths.get("resnet18").size());
        assertEquals("fc", paths.get("resnet18").get(20));
        assertEquals(List.of("lstm", "fc"), paths.get("lstm"));
        assertEquals(List.of("embedding", "lstm", "fc"), paths.get("char"));
        assertEquals(7, paths.get("siamese").size());
        // Every parameter belongs to exactly one layer.
        specs.forEach((name, spec) -> {
            RegressionModel m = Models.create(spec, new Rng(1));
            List<String> all = new ArrayList<>();
            ModelLayer.of(m).forEach(l -> all.addAll(l.state()));
            assertEquals(new ArrayList<>(m.stateDict().tensors().keySet()), all, name);
        });
    }

    @Test
    void l1PenaltyDecaysLinearlyOverTheEpochs() {
        L1SparseUnlearner.Config c = new L1SparseUnlearner.Config(5e-4, 0.001, 10, 256);
        assertEquals(5e-4, c.gamma(1), 1e-15);
        assertEquals(2.5e-4, c.gamma(6), 1e-15);
        assertEquals(5e-5, c.gamma(10), 1e-15);
        UnlearningResult r = new L1SparseUnlearner(c).unlearn(original, task, 1, ProgressListener.NONE);
        assertTrue((Double) r.details().get("l1_norm_unlearned") < (Double) r.details().get("l1_norm_original"),
                "the penalty shrinks the weights: " + r.details());
    }

    @Test
    void scrubMaxStepDistanceIsBoundedPerRow() {
        Tensor student = Tensor.of(new double[] {0, 0.1, -2, 0.3}, 4, 1).requiresGrad(true);
        Tensor teacher = Tensor.of(new double[] {0, 0, 0, 0}, 4, 1);
        Tensor l = ScrubUnlearner.maxLoss(student, teacher, 0.25);
        assertEquals(-(0 + 0.1 + 0.25 + 0.25) / 4, l.item(), 1e-6);
        l.backward();
        assertArrayEquals(new double[] {0, -0.25, 0, 0}, student.grad().toDoubleArray(), 1e-7,
                "rows at the bound get no gradient; the others are pushed away from the teacher");
    }

    @Test
    void badTeacherSeesEveryForgetRowAndASampleOfTheRetainRows() {
        int[] rows = BadTeacherUnlearner.rows(task, 0.3, 9);
        int[] forget = task.forget().trainForget();
        int retain = task.forget().trainRetain().length;
        assertEquals(forget.length + Math.round(0.3 * retain), rows.length);
        assertEquals(rows.length, Arrays.stream(rows).distinct().count());
        boolean[] mask = task.forget().forgetMask(task.data().size());
        assertEquals(forget.length, Arrays.stream(rows).filter(r -> mask[r]).count());
    }

    @Test
    void settingsAreCheckedAndNamed() {
        BeyondPaper d = BeyondPaper.defaults();
        assertEquals(0.5, d.with("neggrad", Map.of("beta", 0.5)).neggrad().beta());
        assertEquals(3, d.with("cfk", Map.of("layers", 3)).cfk().layers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.with("neggrad", Map.of("beta", 1.5)));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.with("cfk", Map.of("layers", 1.5)));
        e = assertThrows(IllegalArgumentException.class, () -> d.with("scrub", Map.of("gama", 1)));
        assertTrue(e.getMessage().contains("gamma"), "the known keys are listed: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.with("salun", Map.of("fraction", 0)));
        assertEquals(0.001, Defaults.forDataset("fashion-rotation", null, 0).beyond().euk().learningRate(),
                "EU-k at the image task's training rate");
        assertEquals(30, Defaults.forDataset("concrete", null, 8).beyond().euk().epochs());
    }
}
