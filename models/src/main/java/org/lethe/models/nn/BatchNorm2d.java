package org.lethe.models.nn;

/** Batch normalisation of {@code [N, C, H, W]} feature maps per channel. */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int channels) {
        super(channels, 4, 0.1, 1e-5);
    }
}
