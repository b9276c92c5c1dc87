package org.lethe.unlearning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.kernels.CounterRandom;
import org.lethe.models.Ensemble;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.nn.StateDict;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.Loss;
import org.lethe.models.train.ProgressListener;

/**
 * SISA training, exact unlearning by sharded, isolated, sliced and aggregated training (Bourtoule,
 * Chandrasekaran, Choquette-Choo, Jia, Travers, Zhang, Lie and Papernot, "Machine Unlearning", IEEE
 * S&amp;P 2021, arXiv 1912.03817). The training rows D are split into S disjoint shards by a seeded
 * permutation, and each shard into R slices; one model per shard is trained incrementally (stage r on
 * slices 1..r, starting from stage r − 1's weights) and its weights are kept after every stage. The
 * prediction is the mean or the median of the shard models' ({@link Ensemble}). Deleting rows
 * retrains only the shards that held them, each from its checkpoint before the earliest slice
 * touched; the other shards are not touched. SISA is its own training scheme on D: the original
 * model's weights are not used (its architecture, {@code task.spec()}, is each shard's).
 *
 * <p>Port. The training rows in the order of a seeded permutation are cut into S near-equal contiguous
 * shards, and each shard into R near-equal contiguous slices. Stage r of
 * shard k trains with Adam, constant learning rate, on shuffled batches of the shard's slices 1..r for
 * e' = max(1, round(2e / (R + 1))) epochs, which makes the rows a shard model sees over its R stages
 * those of e epochs on the whole shard (Bourtoule et al.'s rule), so the initial training costs about
 * e epochs over D, one original training for e = the original's epochs. A fresh optimiser per stage:
 * the checkpoint is the model's state alone. <b>Reproducibility</b>: the stage's initial weights are
 * the checkpoint; its randomness (the batch order, the dropout stream of a model built from the
 * stage's seed) depends only on (seed, k, r), and its rows on the slices; so retraining from a
 * checkpoint gives bit-identically the shard trained from scratch without the deleted rows (tested).
 * The forget rows are processed as {@code requests} sequential deletion requests (the forget set in
 * its order, cut into near-equal groups; more requests than rows is one per row). A shard whose rows
 * are all deleted has no model: its member leaves the aggregate ({@link Ensemble#setActive}).
 *
 * <p>The result's steps and seconds are the deletions' cost only; the initial training's, and per
 * request the shards and stages retrained, are in {@code details}.
 */
public final class SisaUnlearner implements Unlearner {
    /**
     * Settings; {@link #defaults()} gives Lethe's.
     *
     * @param shards       S, the number of shards (one model each)
     * @param slices       R, the number of slices per shard (checkpoints)
     * @param aggregation  {@code mean} or {@code median} of the shard models' predictions
     * @param epochs       e, the epochs over its shard that a shard model sees in all its stages
     * @param learningRate Adam's
     * @param batchSize    rows per batch
     * @param requests     the number of sequential deletion requests the forget rows are split into
     */
    public record Config(int shards, int slices, String aggregation, int epochs, double learningRate, int batchSize,
                         int requests) {
        public Config {
            Checks.atLeast("sisa", "shards", shards, 1);
            Checks.atLeast("sisa", "slices", slices, 1);
            if (!Ensemble.AGGREGATIONS.contains(aggregation)) {
                throw new IllegalArgumentException("sisa: aggregation must be mean or median, got '" + aggregation + "'");
            }
            Checks.atLeast("sisa", "epochs", epochs, 1);
            Checks.positive("sisa", "learning_rate", learningRate);
            Checks.atLeast("sisa", "batch_size", batchSize, 1);
            Checks.atLeast("sisa", "requests", requests, 1);
        }

        /** S = 5, R = 4, mean, e = 100 at 0.01 (concrete's original recipe), batch 64, one request. */
        public static Config defaults() {
            return new Config(5, 4, "mean", 100, 0.01, 64, 1);
        }

        /** The epochs of each stage, e' = max(1, round(2e / (R + 1))). */
        public int stageEpochs() {
            return Math.max(1, (int) Math.round(2.0 * epochs / (slices + 1)));
        }

        /** Refuses more shards than training rows: every shard starts with at least one row. */
        public void checkFits(int trainRows) {
            if (shards > trainRows) {
                throw new IllegalArgumentException("sisa: shards = " + shards + ", but the training set has " + trainRows
                        + " rows; give 1 to " + trainRows);
            }
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shards", shards);
            m.put("slices", slices);
            m.put("aggregation", aggregation);
            m.put("epochs", epochs);
            m.put("learning_rate", learningRate);
            m.put("batch_size", batchSize);
            m.put("requests", requests);
            return m;
        }
    }

    private final Config config;

    public SisaUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "sisa";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /** The forget rows cut in order into {@code min(k, n)} near-equal groups (none when there are no rows). */
    public static List<int[]> requests(int[] forget, int k) {
        int n = forget.length;
        int groups = Math.min(k, n);
        List<int[]> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            out.add(Arrays.copyOfRange(forget, (int) ((long) g * n / groups), (int) ((long) (g + 1) * n / groups)));
        }
        return out;
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        Shards shards = Shards.train(Models.base(task.spec()), task.data(), task.split().train(), task.loss(), config, seed,
                progress);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        long trainSteps = shards.steps();
        long t0 = System.nanoTime();
        List<Object> shardsRetrained = new ArrayList<>();
        List<Object> stagesRetrained = new ArrayList<>();
        long steps = 0;
        int stages = 0;
        int rows = 0;
        for (int[] request : requests(task.forget().trainForget(), config.requests())) {
            Deletion d = shards.delete(request, progress);
            shardsRetrained.add(d.shards().length);
            stagesRetrained.add(d.stages());
            steps += d.steps();
            stages += d.stages();
            rows += d.rows();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Ensemble model = shards.ensemble();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("training_seconds", trainSeconds);
        details.put("training_steps", trainSteps);
        details.put("stage_epochs", config.stageEpochs());
        details.put("requests", shardsRetrained.size());
        details.put("rows_deleted", rows);
        details.put("shards_retrained", shardsRetrained);
        details.put("stages_retrained", stagesRetrained);
        details.put("stages_retrained_total", stages);
        details.put("stages_trained_initially", config.shards() * config.slices());
        details.put("empty_shards", shards.emptyShards());
        return new UnlearningResult(model, steps, seconds, details);
    }

    /** What one deletion request cost: the shards retrained, the stages retrained (all shards), steps, rows deleted. */
    public record Deletion(int[] shards, int stages, long steps, int rows) {
    }

    /** The seed of stage {@code stage} of shard {@code shard} (stage 0: the initial weights). */
    static long stageSeed(long seed, int shard, int stage) {
        return CounterRandom.mix64(CounterRandom.mix64(CounterRandom.mix64(seed) + shard) + stage);
    }

    /**
     * The SISA state: per shard its slices (the rows not yet deleted, as row numbers of the data) and
     * its checkpoints after stages 0..R (0: the initial weights), held in memory.
     */
    public static final class Shards {
        private final ModelSpec spec;
        private final Dataset data;
        private final Loss loss;
        private final Config config;
        private final long seed;
        private final int[][][] slices;
        private final StateDict[][] checkpoints;
        private final Map<Integer, int[]> where = new HashMap<>();
        private long steps;

        private Shards(ModelSpec spec, Dataset data, Loss loss, Config config, long seed, int[][][] slices) {
            this.spec = spec;
            this.data = data;
            this.loss = loss;
            this.config = config;
            this.seed = seed;
            this.slices = slices;
            this.checkpoints = new StateDict[slices.length][config.slices() + 1];
            for (int k = 0; k < slices.length; k++) {
                for (int j = 0; j < slices[k].length; j++) {
                    for (int row : slices[k][j]) {
                        where.put(row, new int[] {k, j});
                    }
                }
            }
        }

        /**
         * The partition of {@code rows} into S shards of R slices each: a permutation seeded by
         * {@code seed}, cut into S near-equal contiguous shards, each cut into R near-equal slices.
         */
        public static int[][][] partition(int[] rows, int shards, int slices, long seed) {
            int[] order = new Rng(stageSeed(seed, -1, -1)).permutation(rows.length);
            int n = rows.length;
            int[][][] out = new int[shards][slices][];
            for (int k = 0; k < shards; k++) {
                int from = (int) ((long) k * n / shards);
                int size = (int) ((long) (k + 1) * n / shards) - from;
                for (int j = 0; j < slices; j++) {
                    int a = from + (int) ((long) j * size / slices);
                    int b = from + (int) ((long) (j + 1) * size / slices);
                    out[k][j] = new int[b - a];
                    for (int i = a; i < b; i++) {
                        out[k][j][i - a] = rows[order[i]];
                    }
                }
            }
            return out;
        }

        /** SISA's initial training on {@code rows} of {@code data}: the {@link #partition}, every shard, every stage. */
        public static Shards train(ModelSpec spec, Dataset data, int[] rows, Loss loss, Config config, long seed,
                                   ProgressListener progress) {
            config.checkFits(rows.length);
            return train(spec, data, partition(rows, config.shards(), config.slices(), seed), loss, config, seed, progress);
        }

        /**
         * Trains every shard from scratch on the given slices ({@code slices[k][j]}: the rows of slice j
         * of shard k, S × R of them), with the seeds of {@code seed}.
         */
        public static Shards train(ModelSpec spec, Dataset data, int[][][] slices, Loss loss, Config config, long seed,
                                   ProgressListener progress) {
            if (slices.length != config.shards() || Arrays.stream(slices).anyMatch(s -> s.length != config.slices())) {
                throw new IllegalArgumentException("sisa: the slices are not " + config.shards() + " shards of "
                        + config.slices());
            }
            int[][][] copy = new int[slices.length][][];
            for (int k = 0; k < slices.length; k++) {
                copy[k] = new int[slices[k].length][];
                for (int j = 0; j < slices[k].length; j++) {
                    copy[k][j] = slices[k][j].clone();
                }
            }
            Shards s = new Shards(spec, data, loss, config, seed, copy);
            for (int k = 0; k < config.shards(); k++) {
                s.checkpoints[k][0] = Copies.snapshot(Models.create(spec, new Rng(stageSeed(seed, k, 0))));
                s.retrain(k, 1, progress);
            }
            return s;
        }

        /**
         * Trains shard {@code k}'s stages {@code from..R} from the checkpoint after stage
         * {@code from - 1}, on its current slices; returns the number of stages trained.
         */
        private int retrain(int k, int from, ProgressListener progress) {
            BatchLoss l = (b, out) -> loss.apply(out.prediction(), b.y());
            for (int r = from; r <= config.slices(); r++) {
                RegressionModel m = Models.create(spec, new Rng(stageSeed(seed, k, r)));
                m.loadStateDict(checkpoints[k][r - 1], true);
                int[] rows = rows(k, r);
                if (rows.length > 0) {
                    steps += TrainingLoop.run(m, data.subset(rows), config.stageEpochs(), config.batchSize(),
                            config.learningRate(), stageSeed(seed, k, r) + 1, l, "sisa shard " + (k + 1) + " stage " + r,
                            progress);
                }
                checkpoints[k][r] = Copies.snapshot(m);
            }
            return config.slices() - from + 1;
        }

        /** The rows stage {@code r} of shard {@code k} trains on: its slices 1..r, in order, without deleted rows. */
        public int[] rows(int k, int r) {
            return Arrays.stream(slices[k], 0, r).flatMapToInt(Arrays::stream).toArray();
        }

        /**
         * Deletes {@code rows} (rows already deleted are ignored; a row that was never a training row is
         * an error): each shard that holds one is retrained from its checkpoint before the earliest slice
         * that holds one; the others are not touched.
         */
        public Deletion delete(int[] rows, ProgressListener progress) {
            int[] earliest = new int[slices.length];
            Arrays.fill(earliest, Integer.MAX_VALUE);
            List<Integer> removed = new ArrayList<>();
            for (int row : rows) {
                int[] at = where.get(row);
                if (at == null) {
                    throw new IllegalArgumentException("sisa: row " + row + " is not a training row");
                }
                int[] slice = slices[at[0]][at[1]];
                int i = indexOf(slice, row);
                if (i < 0) {
                    continue;
                }
                int[] kept = new int[slice.length - 1];
                System.arraycopy(slice, 0, kept, 0, i);
                System.arraycopy(slice, i + 1, kept, i, slice.length - i - 1);
                slices[at[0]][at[1]] = kept;
                earliest[at[0]] = Math.min(earliest[at[0]], at[1] + 1);
                removed.add(row);
            }
            long before = steps;
            int stages = 0;
            List<Integer> touched = new ArrayList<>();
            for (int k = 0; k < slices.length; k++) {
                if (earliest[k] != Integer.MAX_VALUE) {
                    touched.add(k);
                    stages += retrain(k, earliest[k], progress);
                }
            }
            return new Deletion(touched.stream().mapToInt(Integer::intValue).toArray(), stages, steps - before,
                    removed.size());
        }

        private static int indexOf(int[] a, int v) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] == v) {
                    return i;
                }
            }
            return -1;
        }

        /** Optimiser steps taken so far (training and retraining). */
        public long steps() {
            return steps;
        }

        /** The weights of shard {@code k}'s model (after its last stage). */
        public StateDict state(int k) {
            return checkpoints[k][config.slices()];
        }

        /** Shard {@code k}'s checkpoint after stage {@code r} (0: the initial weights). */
        public StateDict checkpoint(int k, int r) {
            return checkpoints[k][r];
        }

        /** Shards whose rows were all deleted. */
        public int emptyShards() {
            int n = 0;
            for (int k = 0; k < slices.length; k++) {
                n += rows(k, config.slices()).length == 0 ? 1 : 0;
            }
            return n;
        }

        /** The ensemble of the shard models; a shard without rows is left out of the aggregate. */
        public Ensemble ensemble() {
            Ensemble e = new Ensemble(spec, slices.length, config.aggregation(), new Rng(seed));
            for (int k = 0; k < slices.length; k++) {
                e.member(k).loadStateDict(state(k), true);
            }
            for (int k = 0; k < slices.length; k++) {
                if (rows(k, config.slices()).length == 0) {
                    e.setActive(k, false);
                }
            }
            return e;
        }
    }
}
