package org.lethe.models.data;

import java.util.Arrays;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;

/** A data set held as two tensors: inputs {@code [N, ...]} and targets {@code [N, 1]}. */
public final class TensorDataset implements Dataset {
    private final Tensor x;
    private final Tensor y;
    private final double[] targets;

    public TensorDataset(Tensor x, Tensor y) {
        if (x.rank() < 1 || y.rank() != 2 || y.dim(1) != 1 || x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException("data set: inputs " + Arrays.toString(x.shape()) + " and targets "
                    + Arrays.toString(y.shape()) + " must be [N, ...] and [N, 1]");
        }
        this.x = x.detach();
        this.y = y.detach();
        this.targets = y.toDoubleArray();
    }

    @Override
    public int size() {
        return x.dim(0);
    }

    @Override
    public int[] inputShape() {
        return Arrays.copyOfRange(x.shape(), 1, x.rank());
    }

    @Override
    public Batch batch(int[] rows) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            return new Batch(x.indexSelect(0, rows), y.indexSelect(0, rows), rows.clone());
        }
    }

    @Override
    public double target(int row) {
        return targets[row];
    }

    public Tensor inputs() {
        return x;
    }

    public Tensor targets() {
        return y;
    }
}
