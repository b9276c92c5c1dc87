package org.lethe.models.data;

import org.lethe.engine.Tensor;

/** A mini-batch: inputs {@code [B, ...]}, targets {@code [B, 1]} and the data set rows they came from. */
public record Batch(Tensor x, Tensor y, int[] rows) {
    public int size() {
        return rows.length;
    }
}
