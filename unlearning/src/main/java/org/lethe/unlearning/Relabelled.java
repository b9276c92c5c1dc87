package org.lethe.unlearning;

import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Dataset;

/** A data set with some targets replaced (Gaussian fine-tuning's relabelled forget rows). */
final class Relabelled implements Dataset {
    private final Dataset base;
    private final double[] targets;

    /** {@code targets[i]} replaces the target of row {@code i} of {@code base}. */
    Relabelled(Dataset base, double[] targets) {
        if (targets.length != base.size()) {
            throw new IllegalArgumentException("relabelled: " + targets.length + " targets for " + base.size() + " rows");
        }
        this.base = base;
        this.targets = targets.clone();
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public int[] inputShape() {
        return base.inputShape();
    }

    @Override
    public double target(int row) {
        return targets[row];
    }

    @Override
    public Batch batch(int[] rows) {
        Batch b = base.batch(rows);
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = targets[rows[i]];
        }
        return new Batch(b.x(), Tensor.of(DType.FLOAT32, y, rows.length, 1), b.rows());
    }
}
