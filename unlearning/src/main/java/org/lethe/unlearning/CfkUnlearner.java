package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.optim.Adam;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.BatchLoss;
import org.lethe.models.train.ProgressListener;

/**
 * CF-k, catastrophic forgetting of the last k layers (Goel, Prabhu, Sanyal, Lim, Torr and Kumaraguru,
 * "Towards Adversarial Evaluation of Machine Unlearning", arXiv 2201.06640, 2022): a copy of the
 * original fine-tunes only its last k layers on the retain rows; the other layers are frozen.
 *
 * <p>Port. Layers as {@link ModelLayer} counts them (modules owning parameters, a BatchNorm joined to
 * the layer before it; the MLP's are its Linear layers). The first {@code L - k} layers get no gradient
 * and run in evaluation mode (a frozen BatchNorm keeps its running statistics), so they stay
 * bit-identical to the original's; the last k train with Adam on shuffled batches of retain rows with
 * the task loss; the last epoch's weights are the result.
 *
 * <p>Defaults: k = 2 (for the default MLP 8-64-64-1, its last two of three Linear layers; the paper
 * varies k over a ResNet's final blocks), Finetune's settings otherwise (Adam 0.001, 5 epochs, batch
 * 256), so that CF-k is Finetune restricted to the last k layers.
 */
public final class CfkUnlearner implements Unlearner {
    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(int layers, double learningRate, int epochs, int batchSize) {
        public Config {
            Checks.atLeast("cfk", "layers", layers, 1);
            Checks.positive("cfk", "learning_rate", learningRate);
            Checks.atLeast("cfk", "epochs", epochs, 1);
            Checks.atLeast("cfk", "batch_size", batchSize, 1);
        }

        public static Config defaults() {
            return new Config(2, 0.001, 5, 256);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layers", layers);
            m.put("learning_rate", learningRate);
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            return m;
        }
    }

    private final Config config;

    public CfkUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "cfk";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        return trainLast("cfk", original, task, seed, progress, config.layers(), config.learningRate(), config.epochs(),
                config.batchSize(), student -> { });
    }

    /**
     * The loop CF-k and EU-k share: a copy of {@code original}, changed by {@code prepare} (EU-k
     * re-initialises its last layers), trained on the retain rows with Adam and the task loss, all
     * but the last {@code k} layers frozen and in evaluation mode; the last epoch's weights. A
     * {@code k} outside 1..layers is refused before anything is done.
     */
    static UnlearningResult trainLast(String method, RegressionModel original, UnlearningTask task, long seed,
                                      ProgressListener progress, int k, double learningRate, int epochs, int batchSize,
                                      java.util.function.Consumer<RegressionModel> prepare) {
        long start = System.nanoTime();
        RegressionModel student = original.deepCopy();
        List<ModelLayer> layers = ModelLayer.of(student);
        List<ModelLayer> trained = ModelLayer.last(layers, k);
        prepare.accept(student);
        ModelLayer.freezeAllButLast(student, layers, k);
        BatchLoss loss = (b, out) -> task.loss().apply(out.prediction(), b.y());
        long steps = TrainingLoop.run(student, task.retain(), epochs, batchSize,
                new Adam(student.trainableParameters(), learningRate), seed + 1, ModelLayer.hooks(loss, layers, k), method,
                progress);
        student.unfreeze();
        student.train();
        return new UnlearningResult(student, steps, (System.nanoTime() - start) / 1e9,
                Map.of("trained_layers", ModelLayer.paths(trained), "layers", layers.size()));
    }
}
