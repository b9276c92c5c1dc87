package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.Batches;
import org.lethe.models.data.Dataset;

/**
 * Diagonal importances from squared gradients (SSD's and Fisher forgetting's): for each batch of rows
 * (in order, not shuffled), the gradient of a scalar of the batch with respect to every parameter of an
 * evaluation-mode copy of the model, squared elementwise and averaged over the batches. The model
 * itself is not touched.
 */
final class DiagonalFisher {
    private DiagonalFisher() {
    }

    /**
     * The mean over batches of {@code (d scalar(batch, output) / d theta)^2}, by parameter name, with
     * batches of {@code batchSize} rows of {@code data} (the last one shorter).
     */
    static Map<String, double[]> of(RegressionModel model, Dataset data, int batchSize,
                                    BiFunction<Batch, Tensor, Tensor> scalar) {
        RegressionModel copy = model.deepCopy();
        copy.unfreeze();
        copy.eval();
        Map<String, Tensor> params = copy.namedParameters();
        Map<String, double[]> acc = new LinkedHashMap<>();
        params.forEach((k, p) -> acc.put(k, new double[p.numel()]));
        int batches = 0;
        for (int[] rows : Batches.of(data.size(), batchSize, null)) {
            params.values().forEach(Tensor::zeroGrad);
            try (TensorScope scope = TensorScope.open()) {
                Batch b = data.batch(rows);
                scalar.apply(b, copy.forward(b.x()).prediction()).backward();
                for (Map.Entry<String, Tensor> e : params.entrySet()) {
                    Tensor g = e.getValue().grad();
                    if (g == null) {
                        continue;
                    }
                    double[] v = g.toDoubleArray();
                    double[] a = acc.get(e.getKey());
                    for (int i = 0; i < v.length; i++) {
                        a[i] += v[i] * v[i];
                    }
                }
            }
            batches++;
        }
        for (double[] a : acc.values()) {
            for (int i = 0; i < a.length; i++) {
                a[i] /= Math.max(1, batches);
            }
        }
        return acc;
    }

    /** Overwrites {@code param} (not tracked by autograd) with {@code values}, in its type and on its backend. */
    static void set(Tensor param, double[] values) {
        try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            param.copyFrom(Tensor.of(param.backend(), param.dtype(), values, param.shape()));
        }
    }
}
