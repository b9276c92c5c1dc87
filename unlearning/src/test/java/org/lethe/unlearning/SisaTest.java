package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.models.Ensemble;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.nn.StateDict;
import org.lethe.models.train.ProgressListener;
import org.lethe.unlearning.SisaUnlearner.Config;
import org.lethe.unlearning.SisaUnlearner.Deletion;
import org.lethe.unlearning.SisaUnlearner.Shards;
import org.lethe.unlearning.experiment.BeyondPaper;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.metrics.Predictions;
import org.lethe.unlearning.metrics.RegressionErrors;

/**
 * SISA is exact: after deleting rows, every shard that held one is bit-identical to the same shard
 * trained from scratch (by the same code, with the same seeds) on its slices without the rows, and
 * every other shard is bit-identical to what it was; so after any sequence of requests. A deletion
 * in the last slice retrains the last stage only. The member model has dropout, so the check covers
 * the dropout stream too. Then the method through the experiment (every metric, the anamnesis index
 * relearning an ensemble), the forget error moving toward Retrain's on real data, and the settings'
 * messages. Concrete, small models and few epochs.
 */
class SisaTest {
    private static final ModelSpec MEMBER = new ModelSpec("mlp", Map.of("inputs", 8, "hidden", List.of(16, 16),
            "dropout", 0.1));
    private static final Config SMALL = new Config(3, 4, "mean", 8, 0.01, 32, 1);
    private static UnlearningTask task;

    @BeforeAll
    static void data() {
        task = Experiment.task(Defaults.forDataset("concrete", null, 8));
    }

    private static Shards train(Config c, long seed) {
        return Shards.train(MEMBER, task.data(), task.split().train(), task.loss(), c, seed, ProgressListener.NONE);
    }

    private static Map<String, float[]> values(StateDict s) {
        Map<String, float[]> out = new LinkedHashMap<>();
        s.tensors().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static boolean same(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }

    /** The partition with the given rows removed from their slices. */
    private static int[][][] without(int[][][] slices, Set<Integer> deleted) {
        int[][][] out = new int[slices.length][][];
        for (int k = 0; k < slices.length; k++) {
            out[k] = new int[slices[k].length][];
            for (int j = 0; j < slices[k].length; j++) {
                out[k][j] = Arrays.stream(slices[k][j]).filter(r -> !deleted.contains(r)).toArray();
            }
        }
        return out;
    }

    /** Every shard of {@code s} equals the same shard trained from scratch on the partition without {@code deleted}. */
    private static void assertExact(Shards s, Config c, long seed, Set<Integer> deleted) {
        int[][][] slices = without(Shards.partition(task.split().train(), c.shards(), c.slices(), seed), deleted);
        Shards scratch = Shards.train(MEMBER, task.data(), slices, task.loss(), c, seed, ProgressListener.NONE);
        for (int k = 0; k < c.shards(); k++) {
            Map<String, float[]> a = values(s.state(k));
            Map<String, float[]> b = values(scratch.state(k));
            assertEquals(a.keySet(), b.keySet());
            for (String key : a.keySet()) {
                assertArrayEquals(b.get(key), a.get(key), "shard " + k + " " + key + " differs from training without the rows");
            }
            assertArrayEquals(scratch.rows(k, c.slices()), s.rows(k, c.slices()), "shard " + k + "'s rows");
        }
    }

    @Test
    void thePartitionCoversEveryTrainingRowOnceInNearEqualShardsAndSlices() {
        int[] rows = task.split().train();
        int[][][] p = Shards.partition(rows, 3, 4, 1);
        int[] all = Arrays.stream(p).flatMap(Arrays::stream).flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(Arrays.stream(rows).sorted().toArray(), all);
        for (int[][] shard : p) {
            int size = Arrays.stream(shard).mapToInt(s -> s.length).sum();
            assertTrue(Math.abs(size - rows.length / 3.0) < 1, "shard size " + size);
            for (int[] slice : shard) {
                assertTrue(Math.abs(slice.length - size / 4.0) < 1, "slice size " + slice.length);
            }
        }
        assertFalse(Arrays.deepEquals(p, Shards.partition(rows, 3, 4, 2)), "another seed, another partition");
    }

    @Test
    void aDeletionRetrainsOnlyTheAffectedShardsAndEqualsTrainingWithoutTheRows() {
        long seed = 11;
        Shards s = train(SMALL, seed);
        int[][][] p = Shards.partition(task.split().train(), 3, 4, seed);
        List<Map<String, float[]>> before = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            before.add(values(s.state(k)));
        }
        // Rows from shard 0's slice 2 and shard 1's slice 3 (1-based), none from shard 2.
        int[] request = {p[0][1][0], p[0][1][5], p[1][2][3]};
        Deletion d = s.delete(request, ProgressListener.NONE);
        assertArrayEquals(new int[] {0, 1}, d.shards());
        assertEquals(3 + 2, d.stages(), "stages 2-4 of shard 0 and 3-4 of shard 1");
        assertEquals(3, d.rows());
        assertTrue(d.steps() > 0);
        assertTrue(same(before.get(2), values(s.state(2))), "shard 2 held no deleted row and is untouched");
        assertFalse(same(before.get(0), values(s.state(0))), "shard 0 changed");
        assertFalse(same(before.get(1), values(s.state(1))), "shard 1 changed");
        assertExact(s, SMALL, seed, Set.of(request[0], request[1], request[2]));
        // The same rows again: nothing left to delete, nothing retrained.
        Deletion again = s.delete(request, ProgressListener.NONE);
        assertEquals(0, again.stages());
        assertEquals(0, again.rows());
    }

    @Test
    void sequentialRequestsStayExact() {
        long seed = 5;
        Shards s = train(SMALL, seed);
        int[][][] p = Shards.partition(task.split().train(), 3, 4, seed);
        Set<Integer> deleted = new HashSet<>();
        int[][] requests = {{p[2][3][0]}, {p[0][0][2], p[2][1][1]}, {p[1][3][4], p[1][0][0], p[2][2][2]}};
        for (int[] r : requests) {
            s.delete(r, ProgressListener.NONE);
            Arrays.stream(r).forEach(deleted::add);
        }
        assertExact(s, SMALL, seed, deleted);
        // The forget cohort of the task as five requests, after those three.
        int[] forget = task.forget().trainForget();
        for (int[] r : SisaUnlearner.requests(forget, 5)) {
            s.delete(r, ProgressListener.NONE);
        }
        Arrays.stream(forget).forEach(deleted::add);
        assertExact(s, SMALL, seed, deleted);
    }

    @Test
    void aDeletionInTheLastSliceRetrainsTheLastStageOnly() {
        long seed = 3;
        Shards s = train(SMALL, seed);
        int[][][] p = Shards.partition(task.split().train(), 3, 4, seed);
        List<Map<String, float[]>> checkpoints = new ArrayList<>();
        for (int r = 0; r <= 4; r++) {
            checkpoints.add(values(s.checkpoint(1, r)));
        }
        long stepsBefore = s.steps();
        Deletion d = s.delete(new int[] {p[1][3][1]}, ProgressListener.NONE);
        assertArrayEquals(new int[] {1}, d.shards());
        assertEquals(1, d.stages());
        for (int r = 0; r < 4; r++) {
            assertTrue(same(checkpoints.get(r), values(s.checkpoint(1, r))), "checkpoint " + r + " is kept");
        }
        assertFalse(same(checkpoints.get(4), values(s.checkpoint(1, 4))), "the last stage was retrained");
        // One stage on the whole shard less a row: e' epochs of ceil(rows / batch) steps.
        int rows = s.rows(1, 4).length;
        assertEquals((long) SMALL.stageEpochs() * ((rows + 31) / 32), s.steps() - stepsBefore);
        assertExact(s, SMALL, seed, Set.of(p[1][3][1]));
    }

    @Test
    void theUnlearnerDeletesTheForgetRowsInRequestsAndReportsTheCosts() {
        Config c = new Config(3, 2, "median", 4, 0.01, 64, 4);
        RegressionModel original = Models.create(MEMBER, new Rng(1));
        Map<String, float[]> originalState = values(original.stateDict());
        UnlearningTask t = new UnlearningTask(task.data(), task.split(), task.forget(), task.loss(), task.normalizer(), MEMBER);
        UnlearningResult r = new SisaUnlearner(c).unlearn(original, t, 9, ProgressListener.NONE);
        assertTrue(same(originalState, values(original.stateDict())), "the original is not used or changed");
        Ensemble e = (Ensemble) r.model();
        assertEquals(Ensemble.spec(MEMBER, 3, "median"), e.spec());
        Set<Integer> deleted = new HashSet<>();
        Arrays.stream(task.forget().trainForget()).forEach(deleted::add);
        int[][][] slices = without(Shards.partition(task.split().train(), 3, 2, 9), deleted);
        Shards scratch = Shards.train(MEMBER, task.data(), slices, task.loss(), c, 9, ProgressListener.NONE);
        for (int k = 0; k < 3; k++) {
            Map<String, float[]> member = values(e.member(k).stateDict());
            assertTrue(same(values(scratch.state(k)), member), "member " + k + " is its shard trained without the forget rows");
            assertTrue(e.isActive(k));
        }
        assertEquals(4, r.details().get("requests"));
        assertEquals(task.forget().trainForget().length, r.details().get("rows_deleted"));
        assertEquals(6, r.details().get("stages_trained_initially"));
        assertTrue((Long) r.details().get("training_steps") > 0);
        List<?> stages = (List<?>) r.details().get("stages_retrained");
        assertEquals(4, stages.size());
        assertEquals(stages.stream().mapToInt(x -> (Integer) x).sum(), r.details().get("stages_retrained_total"));
        assertTrue(r.steps() > 0 && r.seconds() > 0 && (Double) r.details().get("training_seconds") > 0);
    }

    @Test
    void anEnsembleGoesThroughEveryMetricOfTheExperimentAndTheAnamnesisIndex() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withMethods(List.of("sisa")).withSeeds(List.of(1L));
        c = c.withOriginal(c.original().withEpochs(5)).withBeyond(c.beyond().with("sisa", Map.of("epochs", 5)));
        ExperimentResult r = Experiment.run(c, new Experiment.Listener() { });
        Map<String, Double> sisa = null;
        for (var run : r.runs()) {
            if (run.method().equals("sisa")) {
                sisa = run.metrics();
            }
        }
        assertTrue(sisa != null);
        for (String k : new String[] {"retain_test_mae", "forget_test_mae", "w1_to_retrain", "mia_forget", "lt_auc",
            "relearn_steps", "ain", "seconds", "steps"}) {
            assertTrue(Double.isFinite(sisa.get(k)), k + " = " + sisa.get(k));
        }
        assertEquals(List.of("original", "retrain", "sisa"), List.copyOf(r.summary().keySet()));
    }

    /**
     * On the weak-concrete cohort (seeds 1-3, defaults), deleting it from a SISA ensemble moves the
     * forget-cohort test error from the SISA ensemble's before the deletion toward Retrain's (the
     * cohort's influence is gone), and the retain-cohort error stays within 15% of the ensemble's
     * before the deletion.
     */
    @Test
    void deletingTheCohortMovesTheForgetErrorTowardRetrainsAndKeepsTheRetainError() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8);
        Config sisa = c.beyond().sisa();
        double before = 0;
        double after = 0;
        double retrain = 0;
        double retainBefore = 0;
        double retainAfter = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Shards s = Shards.train(c.model(), task.data(), task.split().train(), task.loss(), sisa, seed,
                    ProgressListener.NONE);
            Ensemble full = s.ensemble();
            for (int[] r : SisaUnlearner.requests(task.forget().trainForget(), sisa.requests())) {
                s.delete(r, ProgressListener.NONE);
            }
            Ensemble deleted = s.ensemble();
            RegressionModel gold = new RetrainUnlearner(c.original()).unlearn(null, task, seed, ProgressListener.NONE).model();
            before += mae(full, task.forget().testForget());
            after += mae(deleted, task.forget().testForget());
            retrain += mae(gold, task.forget().testForget());
            retainBefore += mae(full, task.forget().testRetain());
            retainAfter += mae(deleted, task.forget().testRetain());
        }
        assertTrue(retrain > before, "the cohort is harder to predict without it: " + before + " -> " + retrain);
        assertTrue(after > before && Math.abs(after - retrain) < Math.abs(before - retrain),
                "forget MAE (sum over seeds): SISA before " + before + ", after " + after + ", Retrain " + retrain);
        assertTrue(retainAfter <= 1.15 * retainBefore, "retain MAE " + retainBefore + " -> " + retainAfter);
    }

    private static double mae(RegressionModel m, int[] rows) {
        double[][] py = Predictions.of(m, task.data().subset(rows), task.normalizer());
        return RegressionErrors.of(py[0], py[1]).mae();
    }

    @Test
    void settingsAreCheckedWithOneLineNamingTheField() {
        assertEquals("sisa: shards must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Config(0, 4, "mean", 1, 0.01, 64, 1)).getMessage());
        assertEquals("sisa: slices must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Config(5, 0, "mean", 1, 0.01, 64, 1)).getMessage());
        assertEquals("sisa: aggregation must be mean or median, got 'mode'",
                assertThrows(IllegalArgumentException.class, () -> new Config(5, 4, "mode", 1, 0.01, 64, 1)).getMessage());
        assertEquals("sisa: requests must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Config(5, 4, "mean", 1, 0.01, 64, 0)).getMessage());
        int n = task.split().train().length;
        Config tooMany = new Config(n + 1, 1, "mean", 1, 0.01, 64, 1);
        assertEquals("sisa: shards = " + (n + 1) + ", but the training set has " + n + " rows; give 1 to " + n,
                assertThrows(IllegalArgumentException.class, () -> train(tooMany, 1)).getMessage());
        BeyondPaper d = BeyondPaper.defaults();
        assertEquals("median", d.with("sisa", Map.of("aggregation", "median")).sisa().aggregation());
        assertEquals(7, d.with("sisa", Map.of("shards", 7)).sisa().shards());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.with("sisa", Map.of("aggregation", 3)))
                .getMessage().contains("'aggregation' must be a string"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.with("sisa", Map.of("shards", "5")))
                .getMessage().contains("'shards' must be a number"));
        assertEquals(40, Config.defaults().stageEpochs(), "2e/(R+1) = 200/5");
        assertEquals(100, Defaults.forDataset("concrete", null, 8).beyond().sisa().epochs(), "the original's epochs");
        assertEquals(0.001, Defaults.forDataset("fashion-rotation", null, 0).beyond().sisa().learningRate());
        assertEquals(List.of(3, 3, 4), SisaUnlearner.requests(new int[10], 3).stream().map(a -> a.length).toList());
        assertEquals(2, SisaUnlearner.requests(new int[2], 5).size(), "at most one request per row");
    }
}
