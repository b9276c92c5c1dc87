package org.lethe.unlearning.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.models.ModelSpec;
import org.lethe.models.train.Loss;
import org.lethe.models.train.TrainConfig;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.metrics.AnamnesisIndex;

/**
 * The whole protocol: which data and model, which rows to forget, which methods, which seeds, and
 * each method's settings. {@link Defaults} supplies the paper's values and a default per data set.
 *
 * @param dataset    a built-in data set name, or the path of a CSV file (with {@code target})
 * @param target     the target column of a CSV file (null for built-in sets)
 * @param model      the architecture
 * @param loss       the task loss
 * @param forget     the erasure request ({@link org.lethe.models.data.ForgetRequest})
 * @param methods    the unlearning methods to run beside Original and Retrain
 * @param seeds      one run of everything per seed (initialisation and shuffling)
 * @param splitSeed  seeds the train/validation/test split and random forget requests (fixed across seeds)
 * @param validation fraction of rows for validation
 * @param test       fraction of rows for testing
 * @param original   how Original and Retrain train
 * @param ain        whether to compute the anamnesis index (costly), and how
 * @param beyond     the settings of the methods beyond the paper ({@link BeyondPaper})
 */
public record ExperimentConfig(String dataset, String target, ModelSpec model, Loss loss, String forget,
                               List<String> methods, List<Long> seeds, long splitSeed, double validation, double test,
                               TrainConfig original, FinetuneUnlearner.Config finetune, GaussianUnlearner.Config gaussian,
                               BlindspotUnlearner.Config blindspot, boolean computeAin, AnamnesisIndex.Config ain,
                               BeyondPaper beyond) {

    public ExperimentConfig {
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        beyond = beyond == null ? BeyondPaper.defaults() : beyond;
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("experiment: give at least one seed");
        }
    }

    public ExperimentConfig withMethods(List<String> m) {
        return new ExperimentConfig(dataset, target, model, loss, forget, m, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withSeeds(List<Long> s) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, s, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withForget(String f) {
        return new ExperimentConfig(dataset, target, model, loss, f, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withOriginal(TrainConfig t) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, t,
                finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withModel(ModelSpec m) {
        return new ExperimentConfig(dataset, target, m, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withAin(boolean on) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, on, ain, beyond);
    }

    public ExperimentConfig withBlindspot(BlindspotUnlearner.Config b) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, b, computeAin, ain, beyond);
    }

    public ExperimentConfig withGaussian(GaussianUnlearner.Config g) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, g, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withFinetune(FinetuneUnlearner.Config f) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                f, gaussian, blindspot, computeAin, ain, beyond);
    }

    public ExperimentConfig withAinConfig(AnamnesisIndex.Config a) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, a, beyond);
    }

    public ExperimentConfig withBeyond(BeyondPaper x) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, splitSeed, validation, test, original,
                finetune, gaussian, blindspot, computeAin, ain, x);
    }

    /** The task loss, for the methods and for Original and Retrain. */
    public ExperimentConfig withLoss(Loss l) {
        return new ExperimentConfig(dataset, target, model, l, forget, methods, seeds, splitSeed, validation, test,
                original.withLoss(l), finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    /** The split: its seed and the validation and test fractions. */
    public ExperimentConfig withSplit(long seed, double validationFraction, double testFraction) {
        return new ExperimentConfig(dataset, target, model, loss, forget, methods, seeds, seed, validationFraction,
                testFraction, original, finetune, gaussian, blindspot, computeAin, ain, beyond);
    }

    /**
     * Every setting as JSON-ready values; the settings of a method beyond the paper only when it is
     * among the methods (so that the paper's protocol describes itself as before).
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        if (target != null) {
            m.put("target", target);
        }
        m.put("model", Map.of("architecture", model.architecture(), "hyperparameters", model.hyperparameters()));
        m.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
        m.put("forget", forget);
        m.put("methods", methods);
        m.put("seeds", seeds);
        m.put("split_seed", splitSeed);
        m.put("validation_fraction", validation);
        m.put("test_fraction", test);
        m.put("original", original.describe());
        m.put("finetune", Map.of("learning_rate", finetune.learningRate(), "epochs", finetune.epochs(), "batch_size",
                finetune.batchSize()));
        m.put("gaussian", Map.of("learning_rate", gaussian.learningRate(), "epochs", gaussian.epochs(), "batch_size",
                gaussian.batchSize()));
        m.put("blindspot", Map.of("blindspot_epochs", blindspot.blindspotEpochs(), "blindspot_learning_rate",
                blindspot.blindspotLearningRate(), "epochs", blindspot.epochs(), "learning_rate", blindspot.learningRate(),
                "batch_size", blindspot.batchSize(), "beta", blindspot.beta()));
        m.put("ain", computeAin ? Map.of("learning_rate", ain.learningRate(), "batch_size", ain.batchSize(), "max_epochs",
                ain.maxEpochs(), "alpha", ain.alpha()) : "off");
        for (String name : BeyondPaper.NAMES) {
            if (methods.contains(name)) {
                m.put(name, beyond.describe(name));
            }
        }
        return m;
    }
}
