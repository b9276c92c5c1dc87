package org.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lethe.models.ModelSpec;
import org.lethe.models.train.Loss;
import org.lethe.models.train.TrainConfig;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.metrics.AnamnesisIndex;

/**
 * An experiment's settings from a JSON file (the keys of results.json's "config"): anything not given
 * keeps the data set's default; an unknown key or a value of the wrong type is a one-line error
 * naming the file and the key.
 */
final class ConfigFile {
    private static final Set<String> TOP = Set.of("dataset", "target", "model", "loss", "forget", "methods", "seeds",
            "split_seed", "validation_fraction", "test_fraction", "original", "finetune", "gaussian", "blindspot", "ain");

    private final String file;
    private final JsonNode root;

    private ConfigFile(String file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ConfigFile read(Path path) {
        String name = path.getFileName().toString();
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(path));
            if (n == null || !n.isObject()) {
                throw new UserError(name + ": the configuration must be a JSON object");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!TOP.contains(k)) {
                    throw new UserError(name + ": unknown key '" + k + "'; known: " + String.join(", ", new java.util.TreeSet<>(TOP)));
                }
            }
            return new ConfigFile(name, n);
        } catch (NoSuchFileException e) {
            throw new UserError(name + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(name + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new UserError(name + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    String text(String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new UserError(file + ": '" + key + "' must be a string");
        }
        return v.asText();
    }

    private double number(JsonNode parent, String path, String key, double fallback) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new UserError(file + ": '" + path + key + "' must be a number");
        }
        return v.asDouble();
    }

    private JsonNode object(String key, Set<String> allowed) {
        JsonNode v = root.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw new UserError(file + ": '" + key + "' must be an object");
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserError(file + ": unknown key '" + key + "." + k + "'; known: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return v;
    }

    /** The defaults of {@code base} with this file's settings applied. */
    @SuppressWarnings("unchecked")
    ExperimentConfig apply(ExperimentConfig base) {
        ExperimentConfig c = base;
        JsonNode model = object("model", Set.of("architecture", "hyperparameters"));
        if (model != null) {
            Map<String, Object> hp = model.has("hyperparameters")
                    ? Json.MAPPER.convertValue(model.get("hyperparameters"), Map.class) : Map.of();
            String arch = model.path("architecture").asText(c.model().architecture());
            Map<String, Object> merged = new LinkedHashMap<>(arch.equals(c.model().architecture())
                    ? c.model().hyperparameters() : Protocol.spec(arch, c).hyperparameters());
            merged.putAll(hp);
            c = c.withModel(new ModelSpec(arch, merged));
        }
        c = Protocol.override(c, null, null, text("forget"), text("loss"));
        if (root.has("methods")) {
            List<String> m = new ArrayList<>();
            root.get("methods").forEach(x -> m.add(x.asText()));
            c = c.withMethods(m);
        }
        if (root.has("seeds")) {
            List<Long> s = new ArrayList<>();
            root.get("seeds").forEach(x -> s.add(x.asLong()));
            c = c.withSeeds(s);
        }
        JsonNode o = object("original", Set.of("epochs", "batch_size", "learning_rate", "weight_decay",
                "early_stopping_patience", "keep_best"));
        TrainConfig t = c.original();
        if (o != null) {
            t = new TrainConfig((int) number(o, "original.", "epochs", t.epochs()), (int) number(o, "original.", "batch_size",
                    t.batchSize()), number(o, "original.", "learning_rate", t.learningRate()),
                    number(o, "original.", "weight_decay", t.weightDecay()), t.loss(), t.plateau(),
                    (int) number(o, "original.", "early_stopping_patience", t.earlyStoppingPatience()),
                    o.has("keep_best") ? o.get("keep_best").asBoolean() : t.keepBest(), t.seed());
        }
        Set<String> simple = Set.of("learning_rate", "epochs", "batch_size");
        JsonNode f = object("finetune", simple);
        FinetuneUnlearner.Config fc = f == null ? c.finetune() : new FinetuneUnlearner.Config(number(f, "finetune.",
                "learning_rate", c.finetune().learningRate()), (int) number(f, "finetune.", "epochs", c.finetune().epochs()),
                (int) number(f, "finetune.", "batch_size", c.finetune().batchSize()));
        JsonNode g = object("gaussian", simple);
        GaussianUnlearner.Config gc = g == null ? c.gaussian() : new GaussianUnlearner.Config(number(g, "gaussian.",
                "learning_rate", c.gaussian().learningRate()), (int) number(g, "gaussian.", "epochs", c.gaussian().epochs()),
                (int) number(g, "gaussian.", "batch_size", c.gaussian().batchSize()));
        JsonNode b = object("blindspot", Set.of("blindspot_epochs", "blindspot_learning_rate", "epochs", "learning_rate",
                "batch_size", "beta"));
        BlindspotUnlearner.Config bc = c.blindspot();
        if (b != null) {
            bc = new BlindspotUnlearner.Config((int) number(b, "blindspot.", "blindspot_epochs", bc.blindspotEpochs()),
                    number(b, "blindspot.", "blindspot_learning_rate", bc.blindspotLearningRate()),
                    (int) number(b, "blindspot.", "epochs", bc.epochs()), number(b, "blindspot.", "learning_rate",
                    bc.learningRate()), (int) number(b, "blindspot.", "batch_size", bc.batchSize()),
                    number(b, "blindspot.", "beta", bc.beta()));
        }
        boolean ainOn = c.computeAin();
        AnamnesisIndex.Config ac = c.ain();
        JsonNode a = root.get("ain");
        if (a != null) {
            if (a.isTextual() && a.asText().equals("off")) {
                ainOn = false;
            } else {
                JsonNode ao = object("ain", Set.of("learning_rate", "batch_size", "max_epochs", "alpha"));
                ainOn = true;
                ac = new AnamnesisIndex.Config(number(ao, "ain.", "learning_rate", ac.learningRate()),
                        (int) number(ao, "ain.", "batch_size", ac.batchSize()), (int) number(ao, "ain.", "max_epochs",
                        ac.maxEpochs()), number(ao, "ain.", "alpha", ac.alpha()));
            }
        }
        long splitSeed = (long) number(root, "", "split_seed", c.splitSeed());
        double val = number(root, "", "validation_fraction", c.validation());
        double test = number(root, "", "test_fraction", c.test());
        return new ExperimentConfig(c.dataset(), c.target(), c.model(), c.loss(), c.forget(), c.methods(), c.seeds(),
                splitSeed, val, test, t.withLoss(c.loss()), fc, gc, bc, ainOn, ac);
    }
}
