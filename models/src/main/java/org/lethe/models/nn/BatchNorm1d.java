package org.lethe.models.nn;

/** Batch normalisation of {@code [N, C]} features. */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int channels) {
        super(channels, 2, 0.1, 1e-5);
    }
}
