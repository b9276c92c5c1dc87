package org.lethe.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.models.Messages;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.BuiltinDatasets;
import org.lethe.models.data.CsvData;
import org.lethe.models.data.Normalizer;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.train.Loss;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;

/**
 * Turns command-line options, and the metadata of checkpoints, into the protocol's configuration, so
 * that {@code train}, {@code unlearn}, {@code evaluate} and {@code predict} see the same data, split,
 * standardisation and forget rows as the run that made a checkpoint.
 */
final class Protocol {
    private Protocol() {
    }

    /** The defaults for a data set key (built-in name or CSV path). */
    static ExperimentConfig defaults(String key, String target) {
        if (key == null) {
            throw new UserError("give a data set with --dataset NAME or --data FILE.csv --target COLUMN");
        }
        if (target == null) {
            BuiltinDatasets.info(key);
            return Defaults.forDataset(key, null, key.equals("concrete") ? 8 : 0);
        }
        int features = CsvData.load(Path.of(key), target).inputShape()[0];
        return Defaults.forDataset(key, target, features);
    }

    /** Applies the common overrides. */
    static ExperimentConfig override(ExperimentConfig c, String model, Integer epochs, String forget, String loss) {
        ExperimentConfig out = c;
        if (model != null) {
            out = out.withModel(spec(model, out));
        }
        if (epochs != null) {
            if (epochs < 1) {
                throw new UserError("--epochs must be at least 1, got " + epochs);
            }
            out = out.withOriginal(out.original().withEpochs(epochs));
        }
        if (forget != null) {
            out = out.withForget(forget);
        }
        if (loss != null) {
            Loss l;
            try {
                l = Loss.parse(loss);
            } catch (IllegalArgumentException e) {
                throw new UserError("--loss: " + e.getMessage());
            }
            out = out.withLoss(l);
        }
        return out;
    }

    /** An architecture name with the data set's default hyperparameters. */
    static ModelSpec spec(String architecture, ExperimentConfig c) {
        if (!Models.ARCHITECTURES.contains(architecture)) {
            throw new UserError("unknown model '" + architecture + "'; known: " + String.join(", ", Models.ARCHITECTURES));
        }
        if (architecture.equals(c.model().architecture())) {
            return c.model();
        }
        int[] shape = Experiment.load(c).inputShape();
        Map<String, Object> hp = switch (architecture) {
            case "mlp" -> {
                if (shape.length != 1) {
                    throw new UserError("model mlp needs rows of features; data set " + c.dataset() + " has inputs "
                            + java.util.Arrays.toString(shape));
                }
                yield Map.of("inputs", shape[0], "hidden", List.of(64, 64), "dropout", 0.0);
            }
            case "smallcnn" -> Map.of("size", shape.length == 3 ? shape[1] : 28);
            case "allcnn", "resnet18" -> {
                if (shape.length != 3) {
                    throw new UserError("model " + architecture + " needs images [C, H, W]; data set " + c.dataset()
                            + " has inputs " + java.util.Arrays.toString(shape));
                }
                yield architecture.equals("allcnn") ? Map.of("channels", shape[0], "size", shape[1], "width", 0.25)
                        : Map.of("channels", shape[0], "size", shape[1], "width", 0.125, "small_stem", true);
            }
            case "lstm" -> {
                if (shape.length != 2) {
                    throw new UserError("model lstm needs sequences [T, F]; data set " + c.dataset() + " has inputs "
                            + java.util.Arrays.toString(shape));
                }
                yield Map.of("steps", shape[0], "features", shape[1], "hidden", 64, "layers", 1);
            }
            case "siamese" -> throw new UserError("model siamese needs pairs of texts as character ids [2, T] (no built-in"
                    + " data set has them); data set " + c.dataset() + " has inputs " + java.util.Arrays.toString(shape));
            default -> throw new UserError("model " + architecture + " needs character ids (use --dataset vader); data set "
                    + c.dataset() + " has inputs " + java.util.Arrays.toString(shape));
        };
        return new ModelSpec(architecture, hp);
    }

    /**
     * Refuses settings that the model or the data cannot take, for the methods in {@code methods}:
     * CF-k's and EU-k's number of layers against the layers of {@code model}
     * ({@link org.lethe.unlearning.ModelLayer}), SISA's shards against the training rows of {@code task}.
     */
    static void checkMethodsFit(ExperimentConfig c, List<String> methods, RegressionModel model, UnlearningTask task) {
        if (methods.contains("sisa")) {
            try {
                c.beyond().sisa().checkFits(task.split().train().length);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        for (String m : List.of("cfk", "euk")) {
            if (!methods.contains(m)) {
                continue;
            }
            int k = m.equals("cfk") ? c.beyond().cfk().layers() : c.beyond().euk().layers();
            int n = org.lethe.unlearning.ModelLayer.of(model).size();
            if (k > n) {
                throw new UserError(m + ": layers = " + k + ", but the model (" + model.spec().architecture() + ") has " + n
                        + " layers; give 1 to " + n);
            }
        }
    }

    /** What a checkpoint records about its run, so that later commands rebuild the same task. */
    static Checkpoint.Info info(ExperimentConfig c, UnlearningTask task, long seed, String role, Map<String, String> more) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("lethe.role", role);
        extra.put("lethe.dataset", c.dataset());
        if (c.target() != null) {
            extra.put("lethe.target", c.target());
        }
        extra.put("lethe.loss", c.loss().name().toLowerCase(java.util.Locale.ROOT));
        extra.put("lethe.split_seed", Long.toString(c.splitSeed()));
        extra.put("lethe.validation_fraction", Double.toString(c.validation()));
        extra.put("lethe.test_fraction", Double.toString(c.test()));
        extra.put("lethe.forget", c.forget());
        extra.putAll(more);
        return new Checkpoint.Info(c.original().describe(), seed, task.data().hash(), task.normalizer().describe(), null, extra);
    }

    /**
     * The configuration the checkpoint {@code file} was made with (data options override the data set,
     * forget overrides the request). Metadata that cannot be read is an error naming the file and the key.
     */
    static ExperimentConfig fromCheckpoint(Path file, Checkpoint.Loaded l, DataOptions data, String forget) {
        Map<String, String> m = l.metadata();
        String key = data != null && data.given() ? data.key() : m.get("lethe.dataset");
        String target = data != null && data.given() ? data.target : m.get("lethe.target");
        if (key == null) {
            throw new UserError(file.getFileName() + " does not say which data it was trained on (no lethe.dataset);"
                    + " give --dataset or --data");
        }
        ExperimentConfig c = defaults(key, target).withModel(l.model().spec());
        if (m.containsKey("lethe.loss")) {
            try {
                Loss.parse(m.get("lethe.loss"));
            } catch (IllegalArgumentException e) {
                throw new org.lethe.models.io.CheckpointException(file.getFileName() + " has an unreadable lethe.loss: "
                        + e.getMessage());
            }
            c = override(c, null, null, null, m.get("lethe.loss"));
        }
        long splitSeed = (long) metadataNumber(file, m, "lethe.split_seed", 0, true);
        double val = metadataNumber(file, m, "lethe.validation_fraction", 0.1, false);
        double test = metadataNumber(file, m, "lethe.test_fraction", 0.2, false);
        if (!(val >= 0 && test >= 0 && val + test < 1)) {
            throw new UserError("the checkpoint's lethe.validation_fraction " + val + " and lethe.test_fraction " + test
                    + " leave no rows to train on");
        }
        String f = forget != null ? forget : m.getOrDefault("lethe.forget", c.forget());
        c = c.withForget(f).withSplit(splitSeed, val, test);
        checkInputs(l.model(), Experiment.load(c).inputShape(), key);
        return c;
    }

    private static double metadataNumber(Path file, Map<String, String> m, String key, double fallback, boolean whole) {
        String v = m.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return whole ? Long.parseLong(v.trim()) : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new org.lethe.models.io.CheckpointException(file.getFileName() + " has a non-numeric " + key + " '" + v + "'");
        }
    }

    /** The standardisation a checkpoint records (the identity when it records none). */
    static Normalizer normaliser(Path file, Checkpoint.Loaded l) {
        try {
            Normalizer n = Normalizer.fromMap(l.info().normalisation());
            if (n.featureMean() == null || n.featureStd() == null || n.featureMean().length != n.featureStd().length) {
                throw new IllegalArgumentException("feature_mean and feature_std differ in length");
            }
            return n;
        } catch (RuntimeException e) {
            throw new org.lethe.models.io.CheckpointException(file.getFileName()
                    + " has an unreadable lethe.normalisation (it needs feature_mean and feature_std lists and target_mean and"
                    + " target_std numbers)");
        }
    }

    /** A model and data whose rows have different shapes cannot go together. */
    static void checkInputs(RegressionModel model, int[] dataShape, String key) {
        if (!java.util.Arrays.equals(model.inputShape(), dataShape)) {
            throw new UserError("the model expects inputs " + java.util.Arrays.toString(model.inputShape()) + ", data set "
                    + key + " has " + java.util.Arrays.toString(dataShape));
        }
    }
}
