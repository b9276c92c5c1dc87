package org.lethe.models;

import java.util.List;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/** Small configurations of every architecture and matching inputs, for tests. */
final class TestModels {
    private TestModels() {
    }

    static List<ModelSpec> specs() {
        return List.of(
                new ModelSpec("mlp", Map.of("inputs", 8, "hidden", List.of(16, 12), "dropout", 0.0)),
                new ModelSpec("allcnn", Map.of("channels", 1, "size", 12, "width", 0.125)),
                new ModelSpec("resnet18", Map.of("channels", 1, "size", 16, "width", 0.125, "small_stem", true)),
                new ModelSpec("resnet18", Map.of("channels", 3, "size", 32, "width", 0.0625, "small_stem", false)),
                new ModelSpec("smallcnn", Map.of("size", 28)),
                new ModelSpec("lstm", Map.of("steps", 7, "features", 2, "hidden", 8, "layers", 2)),
                new ModelSpec("char", Map.of("length", 9, "vocabulary", 20, "embedding", 6, "hidden", 8)),
                new ModelSpec("siamese", Map.of("length", 6, "vocabulary", 15, "embedding", 5, "hidden", 7)));
    }

    /** A batch of {@code n} inputs for a model: ids for the text models, normal values otherwise. */
    static Tensor input(RegressionModel model, int n, Rng rng) {
        int[] shape = new int[model.inputShape().length + 1];
        shape[0] = n;
        System.arraycopy(model.inputShape(), 0, shape, 1, model.inputShape().length);
        String a = model.spec().architecture();
        if (a.equals("char") || a.equals("siamese")) {
            int vocab = model.spec().integer("vocabulary");
            double[] ids = new double[org.lethe.kernels.View.size(shape)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(vocab);
            }
            return Tensor.of(DType.FLOAT32, ids, shape);
        }
        return Tensor.randn(rng, DType.FLOAT32, shape);
    }

    /** Runs a few training-mode forward passes so that batch-norm running statistics move off their defaults. */
    static void warmBatchNorm(RegressionModel model, Rng rng) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            model.train();
            boolean ids = model.spec().architecture().equals("char") || model.spec().architecture().equals("siamese");
            for (int i = 0; i < 3; i++) {
                Tensor x = input(model, 6, rng);
                model.forward(ids ? x : x.mul(1.5).add(0.3));
            }
        }
    }
}
