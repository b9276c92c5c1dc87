package org.lethe.models.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/**
 * A regression data set in memory: raw inputs {@code [N, ...]} (float32, in their original units),
 * targets {@code N} (original units), and named numeric columns per row that forget definitions can
 * refer to (features of a table, an image's class, a day of the week). The data hash identifies the
 * exact source bytes and loading options, and is recorded with every model and result.
 */
public final class RegressionData implements Dataset {
    private final String name;
    private final Tensor inputs;
    private final double[] targets;
    private final Map<String, double[]> columns;
    private final String targetName;
    private final String hash;

    public RegressionData(String name, Tensor inputs, double[] targets, Map<String, double[]> columns, String targetName,
                          String hash) {
        if (inputs.rank() < 1 || inputs.dim(0) != targets.length) {
            throw new IllegalArgumentException("data set " + name + ": " + targets.length + " targets for inputs "
                    + Arrays.toString(inputs.shape()));
        }
        columns.forEach((k, v) -> {
            if (v.length != targets.length) {
                throw new IllegalArgumentException("data set " + name + ": column " + k + " has " + v.length + " values");
            }
        });
        this.name = name;
        this.inputs = inputs.detach();
        this.targets = targets;
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        this.targetName = targetName;
        this.hash = hash;
    }

    public String name() {
        return name;
    }

    public Tensor inputs() {
        return inputs;
    }

    public double[] targets() {
        return targets.clone();
    }

    /** Named per-row values usable in forget definitions ({@code target} is always available). */
    public Map<String, double[]> columns() {
        return columns;
    }

    public String targetName() {
        return targetName;
    }

    /** {@code sha256:...} of the source bytes and loading options. */
    public String hash() {
        return hash;
    }

    @Override
    public int size() {
        return targets.length;
    }

    @Override
    public int[] inputShape() {
        return Arrays.copyOfRange(inputs.shape(), 1, inputs.rank());
    }

    @Override
    public double target(int row) {
        return targets[row];
    }

    @Override
    public Batch batch(int[] rows) {
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = targets[rows[i]];
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            return new Batch(inputs.indexSelect(0, rows), Tensor.of(DType.FLOAT32, y, rows.length, 1), rows.clone());
        }
    }

    /** The value of a named column (or {@code target}) for every row. */
    public double[] column(String column) {
        if (column.equals("target")) {
            return targets.clone();
        }
        double[] v = columns.get(column);
        if (v == null) {
            throw new DataException("data set " + name + " has no column " + org.lethe.models.Messages.quote(column) + "; columns: target"
                    + (columns.isEmpty() ? "" : ", " + String.join(", ", columns.keySet())));
        }
        return v.clone();
    }
}
