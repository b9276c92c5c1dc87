package org.lethe.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lethe.engine.Rng;
import org.lethe.models.Messages;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.data.DataException;
import org.lethe.models.data.ForgetRequest;
import org.lethe.models.nn.ParameterBudget;
import org.lethe.models.train.TrainConfig;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.Methods;
import org.lethe.unlearning.metrics.AnamnesisIndex;

/**
 * An experiment's settings from a JSON file (the keys of results.json's "config"): anything not given
 * keeps the data set's default; an unknown or repeated key, a value of the wrong type or out of range
 * (a batch size below 1, a learning rate that is not positive, fractions that leave no rows to train
 * on, an unknown method, a model that cannot be built or would not fit in memory) is a one-line error
 * naming the file and the key. The file must be a regular file of at most {@value #MAX_BYTES} bytes
 * of UTF-8.
 */
final class ConfigFile {
    /** Largest configuration file accepted. */
    static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP = Set.of("dataset", "target", "model", "loss", "forget", "methods", "seeds",
            "split_seed", "validation_fraction", "test_fraction", "original", "finetune", "gaussian", "blindspot", "ain");

    private final String file;
    private final JsonNode root;

    private ConfigFile(String file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ConfigFile read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try {
            if (!Files.exists(path)) {
                throw new UserError(name + ": no such file");
            }
            if (!Files.isRegularFile(path)) {
                throw new UserError(name + ": not a regular file");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw new UserError(name + ": " + Files.size(path) + " bytes; a configuration has at most " + MAX_BYTES);
            }
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length > MAX_BYTES) {
                throw new UserError(name + ": more than " + MAX_BYTES + " bytes; a configuration has at most " + MAX_BYTES);
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new UserError(name + ": not UTF-8 text");
            }
            JsonNode n = MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw new UserError(name + ": the configuration must be a JSON object");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!TOP.contains(k)) {
                    throw new UserError(name + ": unknown key " + Messages.quote(k) + "; known: "
                            + String.join(", ", new TreeSet<>(TOP)));
                }
            }
            return new ConfigFile(name, n);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new UserError(name + ": not valid JSON" + where + " (" + Messages.oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new UserError(name + ": cannot be read (" + Messages.oneLine(e.getMessage()) + ")");
        }
    }

    private UserError error(String key, String problem) {
        return new UserError(file + ": '" + key + "' " + problem);
    }

    String text(String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw error(key, "must be a string");
        }
        return v.asText();
    }

    private double number(JsonNode parent, String path, String key, double fallback, double min, boolean above) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        double d = v.asDouble();
        if (!v.isNumber() || !Double.isFinite(d)) {
            throw error(path + key, "must be a number");
        }
        if (above ? !(d > min) : !(d >= min)) {
            throw error(path + key, "must be " + (above ? "greater than " : "at least ")
                    + (min == Math.rint(min) ? Long.toString((long) min) : Double.toString(min)) + ", got "
                    + v.asText());
        }
        return d;
    }

    /** A learning rate: a finite positive number. */
    private double rate(JsonNode parent, String path, String key, double fallback) {
        return number(parent, path, key, fallback, 0, true);
    }

    /** A whole number (8 or 8.0) from {@code min} to {@link Integer#MAX_VALUE}. */
    private int integer(JsonNode parent, String path, String key, int fallback, int min) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        double d = v.asDouble();
        if (!v.isNumber() || d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw error(path + key, "must be a whole number");
        }
        if (d < min) {
            throw error(path + key, "must be at least " + min + ", got " + v.asText());
        }
        return (int) d;
    }

    private static boolean isLong(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToLong();
    }

    private JsonNode object(String key, Set<String> allowed) {
        JsonNode v = root.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw error(key, "must be an object");
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserError(file + ": unknown key " + Messages.quote(key + "." + k) + "; known: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return v;
    }

    /** The defaults of {@code base} with this file's settings applied. */
    ExperimentConfig apply(ExperimentConfig base) {
        ExperimentConfig c = base;
        JsonNode model = object("model", Set.of("architecture", "hyperparameters"));
        if (model != null) {
            c = c.withModel(model(model, c));
        }
        String forget = text("forget");
        if (forget != null) {
            try {
                ForgetRequest.parseAll(forget);
            } catch (DataException e) {
                throw error("forget", "is not a forget definition: " + e.getMessage());
            }
        }
        try {
            c = Protocol.override(c, null, null, forget, text("loss"));
        } catch (UserError e) {
            throw new UserError(file + ": 'loss': " + e.getMessage().replaceFirst("^--loss: ", ""));
        }
        if (root.has("methods")) {
            JsonNode ms = root.get("methods");
            if (!ms.isArray()) {
                throw error("methods", "must be a list of method names");
            }
            List<String> m = new ArrayList<>();
            for (JsonNode x : ms) {
                if (!x.isTextual() || !Methods.ALL.contains(x.asText())) {
                    throw error("methods", "has " + Messages.quote(x.isTextual() ? x.asText() : x.toString())
                            + "; known: " + String.join(", ", Methods.ALL));
                }
                if (m.contains(x.asText())) {
                    throw error("methods", "names " + x.asText() + " twice");
                }
                m.add(x.asText());
            }
            c = c.withMethods(m);
        }
        if (root.has("seeds")) {
            JsonNode ss = root.get("seeds");
            if (!ss.isArray() || ss.isEmpty()) {
                throw error("seeds", "must be a non-empty list of whole numbers");
            }
            List<Long> s = new ArrayList<>();
            for (JsonNode x : ss) {
                if (!isLong(x)) {
                    throw error("seeds", "must be a non-empty list of whole numbers, has " + Messages.quote(x.toString()));
                }
                s.add(x.asLong());
            }
            c = c.withSeeds(s);
        }
        JsonNode o = object("original", Set.of("epochs", "batch_size", "learning_rate", "weight_decay",
                "early_stopping_patience", "keep_best"));
        TrainConfig t = c.original();
        if (o != null) {
            JsonNode keep = o.get("keep_best");
            if (keep != null && !keep.isBoolean()) {
                throw error("original.keep_best", "must be true or false");
            }
            t = new TrainConfig(integer(o, "original.", "epochs", t.epochs(), 1),
                    integer(o, "original.", "batch_size", t.batchSize(), 1),
                    rate(o, "original.", "learning_rate", t.learningRate()),
                    number(o, "original.", "weight_decay", t.weightDecay(), 0, false), t.loss(), t.plateau(),
                    integer(o, "original.", "early_stopping_patience", t.earlyStoppingPatience(), 0),
                    keep != null ? keep.asBoolean() : t.keepBest(), t.seed());
        }
        Set<String> simple = Set.of("learning_rate", "epochs", "batch_size");
        JsonNode f = object("finetune", simple);
        FinetuneUnlearner.Config fc = f == null ? c.finetune() : new FinetuneUnlearner.Config(
                rate(f, "finetune.", "learning_rate", c.finetune().learningRate()),
                integer(f, "finetune.", "epochs", c.finetune().epochs(), 0),
                integer(f, "finetune.", "batch_size", c.finetune().batchSize(), 1));
        JsonNode g = object("gaussian", simple);
        GaussianUnlearner.Config gc = g == null ? c.gaussian() : new GaussianUnlearner.Config(
                rate(g, "gaussian.", "learning_rate", c.gaussian().learningRate()),
                integer(g, "gaussian.", "epochs", c.gaussian().epochs(), 0),
                integer(g, "gaussian.", "batch_size", c.gaussian().batchSize(), 1));
        JsonNode b = object("blindspot", Set.of("blindspot_epochs", "blindspot_learning_rate", "epochs", "learning_rate",
                "batch_size", "beta"));
        BlindspotUnlearner.Config bc = c.blindspot();
        if (b != null) {
            bc = new BlindspotUnlearner.Config(integer(b, "blindspot.", "blindspot_epochs", bc.blindspotEpochs(), 0),
                    rate(b, "blindspot.", "blindspot_learning_rate", bc.blindspotLearningRate()),
                    integer(b, "blindspot.", "epochs", bc.epochs(), 0),
                    rate(b, "blindspot.", "learning_rate", bc.learningRate()),
                    integer(b, "blindspot.", "batch_size", bc.batchSize(), 1),
                    number(b, "blindspot.", "beta", bc.beta(), 0, false));
        }
        boolean ainOn = c.computeAin();
        AnamnesisIndex.Config ac = c.ain();
        JsonNode a = root.get("ain");
        if (a != null) {
            if (a.isTextual() && a.asText().equals("off")) {
                ainOn = false;
            } else {
                if (!a.isObject()) {
                    throw error("ain", "must be \"off\" or an object");
                }
                JsonNode ao = object("ain", Set.of("learning_rate", "batch_size", "max_epochs", "alpha"));
                ainOn = true;
                ac = new AnamnesisIndex.Config(rate(ao, "ain.", "learning_rate", ac.learningRate()),
                        integer(ao, "ain.", "batch_size", ac.batchSize(), 1),
                        integer(ao, "ain.", "max_epochs", ac.maxEpochs(), 1),
                        number(ao, "ain.", "alpha", ac.alpha(), 0, false));
            }
        }
        long splitSeed = c.splitSeed();
        JsonNode ss = root.get("split_seed");
        if (ss != null) {
            if (!isLong(ss)) {
                throw error("split_seed", "must be a whole number");
            }
            splitSeed = ss.asLong();
        }
        double val = number(root, "", "validation_fraction", c.validation(), 0, false);
        double test = number(root, "", "test_fraction", c.test(), 0, false);
        if (!(val + test < 1)) {
            throw new UserError(file + ": 'validation_fraction' " + val + " and 'test_fraction' " + test
                    + " leave no rows to train on (their sum must be below 1)");
        }
        return new ExperimentConfig(c.dataset(), c.target(), c.model(), c.loss(), c.forget(), c.methods(), c.seeds(),
                splitSeed, val, test, t.withLoss(c.loss()), fc, gc, bc, ainOn, ac);
    }

    /**
     * The model a configuration describes: its architecture (the data set's by default) with the
     * given hyperparameters over that architecture's defaults, built once (inside a budget of
     * what this JVM could train) to check that it can be.
     */
    private ModelSpec model(JsonNode model, ExperimentConfig c) {
        JsonNode archNode = model.get("architecture");
        if (archNode != null && !archNode.isTextual()) {
            throw error("model.architecture", "must be a string");
        }
        String arch = archNode == null ? c.model().architecture() : archNode.asText();
        if (!Models.ARCHITECTURES.contains(arch)) {
            throw error("model.architecture", "is " + Messages.quote(arch) + "; known: "
                    + String.join(", ", Models.ARCHITECTURES));
        }
        JsonNode hpNode = model.get("hyperparameters");
        if (hpNode != null && !hpNode.isObject()) {
            throw error("model.hyperparameters", "must be an object");
        }
        Map<String, Object> hp = hpNode == null ? Map.of()
                : MAPPER.convertValue(hpNode, new TypeReference<Map<String, Object>>() { });
        Map<String, Object> merged;
        try {
            merged = new LinkedHashMap<>(arch.equals(c.model().architecture())
                    ? c.model().hyperparameters() : Protocol.spec(arch, c).hyperparameters());
        } catch (UserError e) {
            throw error("model.architecture", "cannot be used here: " + e.getMessage());
        }
        for (String k : hp.keySet()) {
            if (!merged.containsKey(k)) {
                throw new UserError(file + ": unknown key " + Messages.quote("model.hyperparameters." + k) + " for "
                        + arch + "; known: " + String.join(", ", new TreeSet<>(merged.keySet())));
            }
        }
        merged.putAll(hp);
        ModelSpec spec = new ModelSpec(arch, merged);
        // Weights, gradients and Adam's two moments: 16 bytes per parameter at the least.
        long limit = Runtime.getRuntime().maxMemory() / 16;
        try (ParameterBudget b = ParameterBudget.open(limit, "what " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB of heap can train")) {
            Models.create(spec, new Rng(0));
        } catch (IllegalArgumentException e) {
            throw error("model", "cannot be built: " + e.getMessage());
        }
        return spec;
    }
}
