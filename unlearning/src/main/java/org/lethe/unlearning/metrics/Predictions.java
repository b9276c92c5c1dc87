package org.lethe.unlearning.metrics;

import org.lethe.engine.GradMode;
import org.lethe.engine.TensorScope;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;
import org.lethe.models.data.Normalizer;

/** A model's predictions and targets for some rows, in the data's original units (evaluation mode). */
public final class Predictions {
    private Predictions() {
    }

    /** {@code [predictions, targets]} for every row of {@code data}, mapped back through {@code norm}. */
    public static double[][] of(RegressionModel model, Dataset data, Normalizer norm) {
        int n = data.size();
        double[] p = new double[n];
        double[] y = new double[n];
        boolean wasTraining = model.isTraining();
        model.eval();
        try (GradMode.Guard g = GradMode.noGrad()) {
            int k = 0;
            for (int[] rows : Batches.of(n, 512, null)) {
                try (TensorScope s = TensorScope.open()) {
                    Batch b = data.batch(rows);
                    double[] pred = model.forward(b.x()).prediction().toDoubleArray();
                    double[] tgt = b.y().toDoubleArray();
                    for (int i = 0; i < rows.length; i++, k++) {
                        p[k] = norm.untarget(pred[i]);
                        y[k] = norm.untarget(tgt[i]);
                    }
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return new double[][] {p, y};
    }
}
