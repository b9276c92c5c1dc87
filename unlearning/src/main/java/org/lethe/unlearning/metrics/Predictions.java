package org.lethe.unlearning.metrics;

import org.lethe.engine.GradMode;
import org.lethe.engine.TensorScope;
import org.lethe.models.ModelOutput;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.data.Normalizer;

/** A model's predictions and targets for some rows, in the data's original units (evaluation mode). */
public final class Predictions {
    private Predictions() {
    }

    /** What {@link #inBatches} hands on: the batch's rows, the index of its first row in {@code data}, the batch and the model's output. */
    public interface BatchSink {
        void accept(int[] rows, int first, Batch batch, ModelOutput output);
    }

    /**
     * Runs {@code model} over every row of {@code data} in order, in batches of 512, in evaluation mode
     * and without a graph (each batch's tensors released after {@code sink} has seen them); the
     * model's mode is restored after.
     */
    public static void inBatches(RegressionModel model, Dataset data, BatchSink sink) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (GradMode.Guard g = GradMode.noGrad()) {
            int k = 0;
            for (int[] rows : Batches.of(data.size(), 512, null)) {
                try (TensorScope s = TensorScope.open()) {
                    Batch b = data.batch(rows);
                    sink.accept(rows, k, b, model.forward(b.x()));
                    k += rows.length;
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
    }

    /** {@code [predictions, targets]} for every row of {@code data}, mapped back through {@code norm}. */
    public static double[][] of(RegressionModel model, Dataset data, Normalizer norm) {
        int n = data.size();
        double[] p = new double[n];
        double[] y = new double[n];
        inBatches(model, data, (rows, first, b, out) -> {
            double[] pred = out.prediction().toDoubleArray();
            double[] tgt = b.y().toDoubleArray();
            for (int i = 0; i < rows.length; i++) {
                p[first + i] = norm.untarget(pred[i]);
                y[first + i] = norm.untarget(tgt[i]);
            }
        });
        return new double[][] {p, y};
    }
}
