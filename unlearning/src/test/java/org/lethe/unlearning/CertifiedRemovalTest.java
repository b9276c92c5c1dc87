package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.ModelOutput;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.nn.Linear;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.experiment.BeyondPaper;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.MethodRun;
import org.lethe.unlearning.metrics.Predictions;

/**
 * Certified removal ({@link CertifiedUnlearner}) on Concrete with a briefly trained MLP: the removed head
 * is the ridge fit on the remaining rows' features, computed here independently (the features from the
 * state dict in float64, the normal equations by Gaussian elimination), in batch and sequential mode,
 * with and without objective perturbation; the rest of the model is the original's bit for bit; the
 * gradient residual, its bound and ε are as Guo et al. define them; models without a Linear head to one
 * output are refused; and on the default protocol (three seeds) the removal moves the forget cohort's
 * error toward Retrain's at no cost to the retain error.
 */
class CertifiedRemovalTest {
    private static final double LAMBDA = 1e-3;
    private static ExperimentConfig config;
    private static UnlearningTask task;
    private static RegressionModel original;
    private static CertifiedUnlearner.Features features;

    @BeforeAll
    static void train() {
        config = Defaults.forDataset("concrete", null, 8).withAin(false);
        task = Experiment.task(config);
        original = Models.create(config.model(), new Rng(1));
        new Trainer(config.original().withEpochs(20).withSeed(1), null).fit(original, task.train(), null);
        original.train();
        features = CertifiedUnlearner.features(original, task);
    }

    // ---- an independent reference ---------------------------------------------------------------

    /** The MLP's hidden features of every training row, computed from its state dict in float64. */
    private static double[][] referenceFeatures() {
        Map<String, Tensor> s = original.stateDict().tensors();
        int n = task.train().size();
        Batch b = task.train().batch(java.util.stream.IntStream.range(0, n).toArray());
        double[] x = b.x().toDoubleArray();
        int in = x.length / n;
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] h = java.util.Arrays.copyOfRange(x, i * in, (i + 1) * in);
            h = reluLayer(h, s.get("layers.0.weight"), s.get("layers.0.bias"));
            out[i] = reluLayer(h, s.get("layers.2.weight"), s.get("layers.2.bias"));
        }
        return out;
    }

    private static double[] reluLayer(double[] x, Tensor weight, Tensor bias) {
        double[] w = weight.toDoubleArray();
        double[] c = bias.toDoubleArray();
        double[] y = new double[c.length];
        for (int o = 0; o < c.length; o++) {
            double z = c[o];
            for (int k = 0; k < x.length; k++) {
                z += w[o * x.length + k] * x[k];
            }
            y[o] = Math.max(0, z);
        }
        return y;
    }

    /**
     * The ridge fit on the rows with {@code keep}: the solution of {@code (Σ φ̃φ̃ᵀ + λ|S| I) θ = Σ y φ̃ − b}
     * by Gaussian elimination with partial pivoting.
     */
    private static double[] ridge(double[][] phi, double[] y, boolean[] keep, double lambda, double[] b) {
        int p = phi[0].length;
        double[][] a = new double[p][p + 1];
        int rows = 0;
        for (int i = 0; i < phi.length; i++) {
            if (!keep[i]) {
                continue;
            }
            rows++;
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += phi[i][r] * phi[i][c];
                }
                a[r][p] += y[i] * phi[i][r];
            }
        }
        for (int r = 0; r < p; r++) {
            a[r][r] += lambda * rows;
            a[r][p] -= b[r];
        }
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = col + 1; r < p; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= p; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] theta = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = a[r][p];
            for (int c = r + 1; c < p; c++) {
                s -= a[r][c] * theta[c];
            }
            theta[r] = s / a[r][r];
        }
        return theta;
    }

    private static boolean[] keep() {
        boolean[] keep = new boolean[features.forget().length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = !features.forget()[i];
        }
        return keep;
    }

    private static double relativeDifference(double[] a, double[] ref) {
        double d = 0;
        double m = 0;
        for (int k = 0; k < ref.length; k++) {
            d = Math.max(d, Math.abs(a[k] - ref[k]));
            m = Math.max(m, Math.abs(ref[k]));
        }
        return d / m;
    }

    // ---- the tests ------------------------------------------------------------------------------

    @Test
    void theFeaturesAreTheInputOfTheLastLayer() {
        double[][] ref = referenceFeatures();
        assertEquals(ref.length, features.phi().length);
        assertEquals(task.forget().trainForget().length, java.util.stream.IntStream.range(0, ref.length)
                .filter(i -> features.forget()[i]).count());
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i].length + 1, features.phi()[i].length);
            assertEquals(1.0, features.phi()[i][ref[i].length], "the bias column");
            for (int k = 0; k < ref[i].length; k++) {
                assertEquals(ref[i][k], features.phi()[i][k], 1e-5 * (1 + Math.abs(ref[i][k])), "row " + i + " feature " + k);
            }
        }
        assertTrue(original.isTraining(), "the original's mode is restored");
    }

    @ParameterizedTest
    @CsvSource({"batch, 0", "sequential, 0", "batch, 0.5", "sequential, 0.5"})
    void theRemovedHeadIsTheRidgeFitOnTheRemainingRows(String mode, double sigma) {
        long seed = 7;
        int p = features.phi()[0].length;
        double[] b = CertifiedUnlearner.noise(p, sigma, seed);
        assertEquals(sigma > 0, java.util.Arrays.stream(b).anyMatch(v -> v != 0), "b is drawn only with sigma > 0");
        boolean[] all = new boolean[features.y().length];
        java.util.Arrays.fill(all, true);
        double[] before = ridge(features.phi(), features.y(), all, LAMBDA, b);
        double[] expected = ridge(features.phi(), features.y(), keep(), LAMBDA, b);

        RidgeHead head = new RidgeHead(features.phi(), features.y(), LAMBDA, b);
        double[] theta = head.fit(all);
        assertTrue(relativeDifference(theta, before) < 1e-9, "the fit on D: " + relativeDifference(theta, before));
        CertifiedUnlearner.Removal removal = mode.equals("batch") ? CertifiedUnlearner.batch(head, theta, features.forget())
                : CertifiedUnlearner.sequential(head, theta, features.forget());
        double rel = relativeDifference(removal.theta(), expected);
        assertTrue(rel < 1e-9, mode + ": θ⁻ against the ridge fit on D': " + rel);
        assertTrue(relativeDifference(before, expected) > 1e-3, "the removal changes the head");
        assertEquals(mode.equals("batch") ? 0 : task.forget().trainForget().length, removal.steps());

        Map<String, float[]> state = new LinkedHashMap<>();
        original.stateDict().tensors().forEach((k, v) -> state.put(k, v.toFloatArray()));
        UnlearningResult r = new CertifiedUnlearner(new CertifiedUnlearner.Config(LAMBDA, mode, sigma, 1e-4))
                .unlearn(original, task, seed, ProgressListener.NONE);
        Map<String, Tensor> after = r.model().stateDict().tensors();
        assertEquals(state.keySet(), after.keySet());
        float[] w = after.get("layers.4.weight").toFloatArray();
        float bias = after.get("layers.4.bias").toFloatArray()[0];
        for (int k = 0; k < p; k++) {
            float got = k < p - 1 ? w[k] : bias;
            assertEquals((float) removal.theta()[k], got, "the head is θ⁻ in float32, element " + k);
            assertTrue(Math.abs(got - expected[k]) <= Math.ulp((float) expected[k]), "element " + k);
        }
        state.forEach((k, v) -> {
            if (!k.startsWith("layers.4.")) {
                assertArrayEquals(v, after.get(k).toFloatArray(), k + " is the original's");
            }
        });
        assertEquals(r.steps(), removal.steps());
        assertTrue((Double) r.details().get("max_abs_diff_to_closed_form") < 1e-9, r.details().toString());
        assertTrue(r.model().isTraining() && r.model().parameters().stream().allMatch(Tensor::requiresGrad),
                "the copy keeps the original's mode");
    }

    @Test
    void batchAndSequentialAgree() {
        UnlearningResult a = new CertifiedUnlearner(new CertifiedUnlearner.Config(LAMBDA, "batch", 0, 1e-4))
                .unlearn(original, task, 1, ProgressListener.NONE);
        UnlearningResult s = new CertifiedUnlearner(new CertifiedUnlearner.Config(LAMBDA, "sequential", 0, 1e-4))
                .unlearn(original, task, 1, ProgressListener.NONE);
        float[] wa = a.model().stateDict().get("layers.4.weight").toFloatArray();
        float[] ws = s.model().stateDict().get("layers.4.weight").toFloatArray();
        for (int k = 0; k < wa.length; k++) {
            assertEquals(wa[k], ws[k], Math.ulp(wa[k]), "element " + k);
        }
    }

    @ParameterizedTest
    @CsvSource({"batch, 0", "sequential, 0", "batch, 0.5"})
    void theGradientResidualIsTinyItsBoundHoldsAndEpsilonFollowsGuosFormula(String mode, double sigma) {
        double delta = 1e-4;
        UnlearningResult r = new CertifiedUnlearner(new CertifiedUnlearner.Config(LAMBDA, mode, sigma, delta))
                .unlearn(original, task, 3, ProgressListener.NONE);
        Map<String, Object> d = r.details();
        double before = (Double) d.get("gradient_residual_before");
        double residual = (Double) d.get("gradient_residual");
        double bound = (Double) d.get("residual_bound");
        assertTrue(before > 1, "the head fitted on D is not optimal on D': " + before);
        assertTrue(residual < 1e-10 * before, "the Newton step is exact for the squared loss: " + residual + " vs " + before);
        // The bound holds in exact arithmetic; the measured residual is float64 rounding (1e-13 of ‖Δ‖).
        assertTrue(residual <= bound + 1e-10 * before, residual + " > " + bound);
        assertEquals(0.0, (Double) d.get("gamma"), "ℓ'' = 1 for the squared loss");
        assertEquals(CertifiedUnlearner.GAMMA * (Double) d.get("residual_bound_per_gamma"), bound);
        assertTrue((Double) d.get("residual_bound_per_gamma") > 0);
        assertEquals(CertifiedUnlearner.epsilon(bound, sigma, delta), (Double) d.get("epsilon"));
        assertEquals(0.0, (Double) d.get("epsilon"), "exact removal");
        assertTrue((Double) d.get("gradient_residual_float32") < 1e-4 * before, "rounding θ⁻ to float32");
    }

    /** The bound's factor: ‖X‖₂ · max‖φ̃‖ · ‖v‖ · ‖Xv‖ over D', v = θ⁻ − θ (computed here by power iteration). */
    @Test
    void theBoundIsGuosCorollaryWithTheFeaturesNorm() {
        boolean[] keep = keep();
        boolean[] all = new boolean[keep.length];
        java.util.Arrays.fill(all, true);
        double[] zero = new double[features.phi()[0].length];
        double[] v = ridge(features.phi(), features.y(), keep, LAMBDA, zero);
        double[] theta = ridge(features.phi(), features.y(), all, LAMBDA, zero);
        double xv = 0;
        double maxRow = 0;
        int p = v.length;
        double[][] gram = new double[p][p];
        for (int k = 0; k < p; k++) {
            v[k] -= theta[k];
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                double[] r = features.phi()[i];
                double z = 0;
                double n2 = 0;
                for (int k = 0; k < p; k++) {
                    z += r[k] * v[k];
                    n2 += r[k] * r[k];
                    for (int c = 0; c < p; c++) {
                        gram[k][c] += r[k] * r[c];
                    }
                }
                xv += z * z;
                maxRow = Math.max(maxRow, Math.sqrt(n2));
            }
        }
        double[] e = new double[p];
        e[0] = 1;
        double top = 0;
        for (int it = 0; it < 20_000; it++) {
            double[] w = new double[p];
            for (int a = 0; a < p; a++) {
                for (int c = 0; c < p; c++) {
                    w[a] += gram[a][c] * e[c];
                }
            }
            double nw = Math.sqrt(java.util.Arrays.stream(w).map(x -> x * x).sum());
            top = 0;
            for (int a = 0; a < p; a++) {
                top += e[a] * w[a];
                e[a] = w[a] / nw;
            }
        }
        double nv = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
        double expected = Math.sqrt(top) * maxRow * nv * Math.sqrt(xv);
        UnlearningResult r = new CertifiedUnlearner(new CertifiedUnlearner.Config(LAMBDA, "batch", 0, 1e-4))
                .unlearn(original, task, 3, ProgressListener.NONE);
        assertEquals(expected, (Double) r.details().get("residual_bound_per_gamma"), 1e-6 * expected);
    }

    @Test
    void epsilonIsGuosTheoremThree() {
        double c = Math.sqrt(2 * Math.log(1.5 / 1e-4));
        assertEquals(2.0 * c / 0.5, CertifiedUnlearner.epsilon(2.0, 0.5, 1e-4), 1e-12);
        assertEquals(1e-3 * Math.sqrt(2 * Math.log(1.5 / 0.01)) / 0.1, CertifiedUnlearner.epsilon(1e-3, 0.1, 0.01), 1e-15);
        assertTrue(CertifiedUnlearner.epsilon(1, 1, 1e-6) > CertifiedUnlearner.epsilon(1, 1, 1e-3), "smaller δ, larger ε");
        assertTrue(CertifiedUnlearner.epsilon(1, 2, 1e-4) < CertifiedUnlearner.epsilon(1, 1, 1e-4), "more noise, smaller ε");
        assertEquals(0.0, CertifiedUnlearner.epsilon(0, 0, 1e-4), "exact removal needs no noise");
        assertEquals(Double.POSITIVE_INFINITY, CertifiedUnlearner.epsilon(1e-9, 0, 1e-4), "no noise, no certificate");
        double[] b = CertifiedUnlearner.noise(10_000, 2.0, 5);
        double sd = Math.sqrt(java.util.Arrays.stream(b).map(x -> x * x).sum() / b.length);
        assertEquals(2.0, sd, 0.1, "b ~ N(0, σ²I)");
        assertArrayEquals(b, CertifiedUnlearner.noise(10_000, 2.0, 5), "seeded");
        assertFalse(java.util.Arrays.equals(b, CertifiedUnlearner.noise(10_000, 2.0, 6)));
    }

    // ---- refusals -------------------------------------------------------------------------------

    /** A toy model on Concrete's 8 inputs: one Linear to {@code outputs}, reporting its input or not, honestly or not. */
    private static final class Toy extends RegressionModel {
        private final Linear fc;
        private final int outputs;
        private final boolean reports;
        private final double scale;

        Toy(int outputs, boolean reports, double scale) {
            this.fc = child("fc", new Linear(8, outputs, new Rng(2)));
            this.outputs = outputs;
            this.reports = reports;
            this.scale = scale;
        }

        @Override
        protected org.lethe.models.nn.Module newInstance(Rng rng) {
            return new Toy(outputs, reports, scale);
        }

        @Override
        public ModelOutput forward(Tensor x) {
            Tensor y = fc.forward(x).mul(scale);
            return reports ? new ModelOutput(y, List.of(), x) : new ModelOutput(y, List.of());
        }

        @Override
        public ModelSpec spec() {
            return new ModelSpec("toy", Map.of());
        }

        @Override
        public int[] inputShape() {
            return new int[] {8};
        }
    }

    private static String refusal(RegressionModel m) {
        CertifiedUnlearner u = new CertifiedUnlearner(CertifiedUnlearner.Config.defaults());
        String msg = assertThrows(IllegalArgumentException.class, () -> u.unlearn(m, task, 1, ProgressListener.NONE))
                .getMessage();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        return msg;
    }

    @Test
    void aModelWithoutALinearHeadToOneOutputIsRefused() {
        assertEquals("certified: needs a model whose last layer is a Linear to 1 output with a bias (the head it refits);"
                + " toy's last layer is 'fc', a Linear to 2 outputs", refusal(new Toy(2, true, 1)));
        assertTrue(refusal(new Toy(1, false, 1)).startsWith("certified: toy does not report the 8 inputs of its last layer"));
        assertTrue(refusal(new Toy(1, true, 2)).startsWith(
                "certified: toy's prediction is not its last layer applied to the reported head input"));
        // The honest toy is accepted: its features are the inputs themselves.
        UnlearningResult r = new CertifiedUnlearner(CertifiedUnlearner.Config.defaults())
                .unlearn(new Toy(1, true, 1), task, 1, ProgressListener.NONE);
        assertEquals(8, r.details().get("features"));
    }

    @Test
    void settingsAreCheckedAndNamed() {
        BeyondPaper d = BeyondPaper.defaults();
        assertEquals(CertifiedUnlearner.Config.defaults(), d.certified());
        assertEquals(Map.of("lambda", 1e-3, "mode", "batch", "sigma", 0.0, "delta", 1e-4), d.describe("certified"));
        assertEquals("sequential", d.with("certified", Map.of("mode", "sequential")).certified().mode());
        assertEquals(0.25, d.with("certified", Map.of("sigma", 0.25)).certified().sigma());
        Map<Map<String, Object>, String> bad = new LinkedHashMap<>();
        bad.put(Map.of("lambda", 0), "certified: lambda must be a finite number above 0, got 0.0");
        bad.put(Map.of("mode", "fast"), "certified: mode must be batch or sequential, got 'fast'");
        bad.put(Map.of("sigma", -1), "certified: sigma must be a finite number of at least 0, got -1.0");
        bad.put(Map.of("delta", 1), "certified: delta must be in (0, 1), got 1.0");
        bad.put(Map.of("mode", 1), "'mode' must be a string, got 1");
        bad.put(Map.of("lambda", "big"), "'lambda' must be a number, got big");
        bad.forEach((values, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> d.with("certified", values)).getMessage()));
    }

    // ---- behaviour on the default protocol --------------------------------------------------------

    /**
     * Concrete, the weak-concrete cohort, seeds 1-3, defaults: the ridge head before removal has about
     * Original's errors; removing the cohort's rows from the head raises the cohort's test error on every
     * seed and moves it, and the predictions and the attack, toward Retrain's, with the retain error no
     * worse than Original's (+5%); the removal takes no step and a small fraction of Retrain's time.
     */
    @Test
    void removalMovesTheForgetCohortTowardRetrainAndKeepsTheRetainError() {
        ExperimentConfig c = config.withMethods(List.of("certified"));
        List<double[]> before = new ArrayList<>();
        ExperimentResult result = Experiment.run(c, new Experiment.Listener() {
            @Override
            public void model(String method, long seed, RegressionModel model, UnlearningTask t) {
                if (method.equals("original")) {
                    before.add(beforeRemoval(model, t));
                }
            }
        });
        List<double[]> after = new ArrayList<>();
        for (MethodRun run : result.runs()) {
            if (run.method().equals("certified")) {
                after.add(new double[] {run.metrics().get("retain_test_mae"), run.metrics().get("forget_test_mae")});
                assertTrue((Double) run.details().get("after_train_forget_mae") > (Double) run.details().get("before_train_forget_mae"));
            }
        }
        assertEquals(3, after.size());
        for (int s = 0; s < 3; s++) {
            assertTrue(after.get(s)[1] > before.get(s)[1] + 0.2, "seed " + (s + 1) + ": forget MAE " + before.get(s)[1]
                    + " before removal, " + after.get(s)[1] + " after");
        }
        double origForget = mean(result, "original", "forget_test_mae");
        double retrainForget = mean(result, "retrain", "forget_test_mae");
        double forget = mean(result, "certified", "forget_test_mae");
        double beforeForget = before.stream().mapToDouble(x -> x[1]).average().orElseThrow();
        double beforeRetain = before.stream().mapToDouble(x -> x[0]).average().orElseThrow();
        assertTrue(Math.abs(beforeForget - origForget) < 0.1 * origForget, "the ridge head fits like the original's");
        assertTrue(Math.abs(beforeRetain - mean(result, "original", "retain_test_mae")) < 0.05 * beforeRetain);
        assertTrue(forget > origForget + 0.2 && forget <= retrainForget,
                "forget MAE " + origForget + " (original) -> " + forget + ", Retrain " + retrainForget);
        assertTrue(mean(result, "certified", "retain_test_mae") <= 1.05 * mean(result, "original", "retain_test_mae"));
        assertTrue(mean(result, "certified", "w1_to_retrain") < 0.9 * mean(result, "original", "w1_to_retrain"));
        double target = mean(result, "retrain", "mia_forget");
        assertTrue(Math.abs(mean(result, "certified", "mia_forget") - target)
                < Math.abs(mean(result, "original", "mia_forget") - target), "the attack moves toward Retrain's verdict");
        assertEquals(0.0, mean(result, "certified", "steps"));
        assertTrue(mean(result, "certified", "seconds") < 0.1 * mean(result, "retrain", "seconds"));
    }

    /** Test MAE (retain, forget) of the model before removal: the original with the ridge head fitted on all of D. */
    private static double[] beforeRemoval(RegressionModel model, UnlearningTask t) {
        RegressionModel m = model.deepCopy();
        CertifiedUnlearner.Features f = CertifiedUnlearner.features(m, t);
        boolean[] all = new boolean[f.y().length];
        java.util.Arrays.fill(all, true);
        double[] theta = new RidgeHead(f.phi(), f.y(), CertifiedUnlearner.DEFAULT_LAMBDA, new double[f.phi()[0].length])
                .fit(all);
        Linear head = CertifiedUnlearner.head(m);
        DiagonalFisher.set(head.weight(), java.util.Arrays.copyOf(theta, theta.length - 1));
        DiagonalFisher.set(head.bias(), new double[] {theta[theta.length - 1]});
        return new double[] {mae(m, t, t.forget().testRetain()), mae(m, t, t.forget().testForget())};
    }

    private static double mae(RegressionModel m, UnlearningTask t, int[] rows) {
        double[][] py = Predictions.of(m, t.data().subset(rows), t.normalizer());
        double s = 0;
        for (int i = 0; i < py[0].length; i++) {
            s += Math.abs(py[0][i] - py[1][i]);
        }
        return s / py[0].length;
    }

    private static double mean(ExperimentResult r, String method, String metric) {
        return r.summary().get(method).get(metric).mean();
    }
}
