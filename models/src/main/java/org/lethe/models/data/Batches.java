package org.lethe.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lethe.engine.Rng;

/** Splits rows {@code 0..n-1} into mini-batches, shuffled by a seeded generator or in order. */
public final class Batches {
    private Batches() {
    }

    /** Row groups of at most {@code batchSize}; a permutation from {@code rng} when it is not null. */
    public static List<int[]> of(int n, int batchSize, Rng rng) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int[] order = rng == null ? identity(n) : rng.permutation(n);
        List<int[]> out = new ArrayList<>((n + batchSize - 1) / batchSize);
        for (int i = 0; i < n; i += batchSize) {
            out.add(Arrays.copyOfRange(order, i, Math.min(n, i + batchSize)));
        }
        return out;
    }

    static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
