package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.io.CheckpointException;

/**
 * The SISA ensemble: its mean and median equal a direct computation over the members' predictions
 * (odd and even member counts, with a member left out), it round-trips through a checkpoint and a deep
 * copy, the mean passes a gradient to every member, and bad specs are refused with one line.
 */
class EnsembleTest {
    @TempDir
    Path dir;

    private static final ModelSpec MEMBER = new ModelSpec("mlp", Map.of("inputs", 5, "hidden", List.of(7), "dropout", 0.0));

    private static Ensemble ensemble(int count, String aggregation) {
        return (Ensemble) Models.create(Ensemble.spec(MEMBER, count, aggregation), new Rng(4));
    }

    /** The members' predictions, [member][row], each member on its own. */
    private static double[][] memberPredictions(Ensemble e, Tensor x) {
        double[][] p = new double[e.size()][];
        for (int k = 0; k < e.size(); k++) {
            p[k] = e.member(k).predict(x).toDoubleArray();
        }
        return p;
    }

    private static double[] direct(double[][] p, boolean[] on, String aggregation) {
        int n = p[0].length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            final int row = i;
            double[] v = java.util.stream.IntStream.range(0, p.length).filter(k -> on[k]).mapToDouble(k -> p[k][row])
                    .toArray();
            if (aggregation.equals("mean")) {
                out[i] = Arrays.stream(v).sum() / v.length;
            } else {
                Arrays.sort(v);
                out[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            }
        }
        return out;
    }

    @Test
    void meanAndMedianEqualADirectComputationOverTheActiveMembers() {
        Tensor x = Tensor.randn(new Rng(9), DType.FLOAT32, 11, 5);
        for (String aggregation : Ensemble.AGGREGATIONS) {
            for (int count : new int[] {1, 4, 5}) {
                Ensemble e = ensemble(count, aggregation);
                boolean[] on = new boolean[count];
                Arrays.fill(on, true);
                double[][] p = memberPredictions(e, x);
                double[] got = e.predict(x).toDoubleArray();
                assertArrayEquals(direct(p, on, aggregation), got, 1e-6, aggregation + " of " + count);
                assertArrayEquals(new int[] {11, 1}, e.predict(x).shape());
                if (count > 1) {
                    // The members differ, so the aggregate is not any one member's output.
                    assertFalse(Arrays.equals(p[0], p[1]), "members are initialised differently");
                    e.setActive(1, false);
                    on[1] = false;
                    assertFalse(e.isActive(1));
                    assertArrayEquals(direct(p, on, aggregation), e.predict(x).toDoubleArray(), 1e-6,
                            aggregation + " of " + count + " without member 1");
                }
            }
        }
        // The odd median is one member's value, bit for bit.
        Ensemble e = ensemble(5, "median");
        double[][] p = memberPredictions(e, x);
        double[] got = e.predict(x).toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            final int row = i;
            final double v = got[i];
            assertTrue(Arrays.stream(p).anyMatch(m -> m[row] == v), "row " + i);
        }
    }

    @Test
    void theMedianBreaksTiesByMemberIndex() {
        double[] w = new double[3];
        Ensemble.medianWeights(new double[] {2, 2, 2}, new float[] {1, 1, 1}, 1, 3, w);
        assertArrayEquals(new double[] {0, 1, 0}, w);
        w = new double[4];
        Ensemble.medianWeights(new double[] {5, 1, 3, 9}, new float[] {1, 1, 1, 0}, 1, 4, w);
        assertArrayEquals(new double[] {0, 0, 1, 0}, w, "the median of 5, 1, 3 (9 left out) is 3");
    }

    @Test
    void checkpointAndDeepCopyKeepWeightsSpecAndPredictions() {
        for (String aggregation : Ensemble.AGGREGATIONS) {
            Ensemble e = ensemble(3, aggregation);
            e.setActive(2, false);
            Path p = dir.resolve(aggregation + ".safetensors");
            Checkpoint.save(p, e, Checkpoint.Info.of(7));
            Checkpoint.Loaded l = Checkpoint.load(p);
            assertEquals(e.spec(), l.model().spec());
            assertTrue(l.model() instanceof Ensemble);
            assertFalse(((Ensemble) l.model()).isActive(2), "the active flags are part of the state");
            assertNotNull(l.model().stateDict().get("members.0.layers.0.weight"));
            assertNotNull(l.model().stateDict().get("members.2.layers.2.bias"));
            assertEquals(e.stateDict().tensors().keySet(), l.model().stateDict().tensors().keySet());
            Tensor x = Tensor.randn(new Rng(2), DType.FLOAT32, 6, 5);
            assertArrayEquals(e.predict(x).toFloatArray(), l.model().predict(x).toFloatArray());
            RegressionModel copy = e.deepCopy();
            assertArrayEquals(e.predict(x).toFloatArray(), copy.predict(x).toFloatArray());
            assertEquals(List.of(), e.forward(x).activations(), "an ensemble reports no activations");
        }
    }

    @Test
    void theMeanPassesAGradientToEveryActiveMember() {
        Ensemble e = ensemble(3, "mean");
        e.setActive(0, false);
        Tensor x = Tensor.randn(new Rng(3), DType.FLOAT32, 4, 5);
        e.forward(x).prediction().sum().backward();
        assertTrue(e.member(0).parameters().stream().allMatch(t -> t.grad() == null
                || Arrays.stream(t.grad().toDoubleArray()).allMatch(v -> v == 0)), "a member left out gets no gradient");
        for (int k = 1; k < 3; k++) {
            assertTrue(e.member(k).parameters().stream().anyMatch(t -> t.grad() != null
                    && Arrays.stream(t.grad().toDoubleArray()).anyMatch(v -> v != 0)), "member " + k);
        }
    }

    @Test
    void badSpecsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.create(Ensemble.spec(MEMBER, 2, "mode"), new Rng(1)));
        assertEquals("ensemble: aggregation must be mean or median, got 'mode'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.create(Ensemble.spec(MEMBER, 0, "mean"), new Rng(1)));
        assertEquals("ensemble: members must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.create(Ensemble.spec(Ensemble.spec(MEMBER, 2, "mean"),
                2, "mean"), new Rng(1)));
        assertEquals("ensemble: a member cannot itself be an ensemble", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.create(new ModelSpec("ensemble", Map.of("member", 3,
                "members", 2, "aggregation", "mean")), new Rng(1)));
        assertTrue(e.getMessage().startsWith("model spec ensemble: hyperparameter 'member' must be a model spec"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ensemble(1, "mean").setActive(0, false),
                "at least one member stays");
        assertFalse(Models.ARCHITECTURES.contains(Ensemble.ARCHITECTURE), "users do not pick an ensemble to train");
        assertEquals(MEMBER, Models.base(Ensemble.spec(MEMBER, 2, "mean")));
    }

    @Test
    void aCheckpointWithAHostileEnsembleSpecIsOneLine() {
        Ensemble e = ensemble(2, "mean");
        // A three-member checkpoint into a two-member ensemble: the names do not fit.
        Path q = dir.resolve("three.safetensors");
        Checkpoint.save(q, ensemble(3, "mean"), Checkpoint.Info.of(1));
        assertEquals(3, ((Ensemble) Checkpoint.load(q).model()).size());
        CheckpointException x = assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(q, e));
        assertEquals(-1, x.getMessage().indexOf('\n'), x.getMessage());
    }
}
