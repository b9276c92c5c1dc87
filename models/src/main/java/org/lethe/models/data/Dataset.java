package org.lethe.models.data;

/**
 * Rows of inputs and regression targets, addressed by row index {@code 0 .. size()-1}. A batch is
 * assembled from any set of rows, so shuffling, splits and forget sets are all lists of rows.
 */
public interface Dataset {
    int size();

    /** Shape of one input row. */
    int[] inputShape();

    /** The given rows as one batch, in that order. */
    Batch batch(int[] rows);

    /** The target of one row. */
    double target(int row);

    /** A view of some rows of this data set, renumbered from 0 in the given order. */
    default Dataset subset(int[] rows) {
        return new Subset(this, rows);
    }
}
