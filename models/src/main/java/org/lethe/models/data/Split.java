package org.lethe.models.data;

import java.util.Arrays;

/**
 * Disjoint train, validation and test rows of a data set, and how they were made (recorded with
 * every run). {@link #random} permutes the rows with a seed; {@link #ordered} keeps their order
 * (time series, so that no window of the future leaks into training).
 */
public record Split(int[] train, int[] validation, int[] test, String method, long seed) {

    /** Fractions of the rows for validation and test; the rest trains. */
    public static Split random(int n, double validation, double test, long seed) {
        return make(n, validation, test, new org.lethe.engine.Rng(seed).permutation(n), "random", seed);
    }

    /** The first rows train, the next validate, the last test. */
    public static Split ordered(int n, double validation, double test) {
        return make(n, validation, test, Batches.identity(n), "ordered", 0);
    }

    private static Split make(int n, double validation, double test, int[] order, String method, long seed) {
        if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
            throw new IllegalArgumentException("split: validation " + validation + " and test " + test
                    + " fractions must be non-negative and leave rows to train on");
        }
        int nTest = (int) Math.round(n * test);
        int nVal = (int) Math.round(n * validation);
        int nTrain = n - nVal - nTest;
        if (nTrain <= 0) {
            throw new DataException("split: " + n + " rows leave none to train on");
        }
        int[] tr = Arrays.copyOfRange(order, 0, nTrain);
        int[] va = Arrays.copyOfRange(order, nTrain, nTrain + nVal);
        int[] te = Arrays.copyOfRange(order, nTrain + nVal, n);
        Arrays.sort(tr);
        Arrays.sort(va);
        Arrays.sort(te);
        return new Split(tr, va, te, method, seed);
    }

    /** For results: sizes, method and seed. */
    public java.util.Map<String, Object> describe() {
        return java.util.Map.of("method", method, "seed", seed, "train", train.length, "validation", validation.length,
                "test", test.length);
    }
}
