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
import org.lethe.engine.Rng;
import org.lethe.engine.optim.ReduceLROnPlateau;
import org.lethe.models.Messages;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.data.BuiltinDatasets;
import org.lethe.models.data.DataException;
import org.lethe.models.data.ForgetRequest;
import org.lethe.models.train.Loss;
import org.lethe.models.train.TrainConfig;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.experiment.AuditConfig;
import org.lethe.unlearning.experiment.BeyondPaper;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.Methods;
import org.lethe.unlearning.metrics.AnamnesisIndex;

/**
 * An experiment's settings from a JSON file (the keys of results.json's "config"): anything not given
 * keeps the data set's default; an unknown key or a value of the wrong type is a one-line error
 * naming the file and the key.
 */
final class ConfigFile {
    /** Largest configuration file accepted. */
    static final int MAX_BYTES = 1 << 20;
    /** Jackson with repeated keys refused (a repeated key would silently keep the last value). */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP = top();

    private final String file;
    private final JsonNode root;

    private static Set<String> top() {
        Set<String> s = new java.util.HashSet<>(Set.of("dataset", "target", "model", "loss", "forget", "methods", "seeds",
                "split_seed", "validation_fraction", "test_fraction", "original", "finetune", "gaussian", "blindspot", "ain", "audits"));
        s.addAll(BeyondPaper.NAMES);
        return Set.copyOf(s);
    }

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
                text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserError(name + ": not UTF-8 text");
            }
            JsonNode n = STRICT.readTree(text);
            if (n == null || !n.isObject()) {
                throw new UserError(name + ": the configuration must be a JSON object");
            }
            if (n.has("config") && n.path("format").asText().startsWith("lethe-results-")) {
                // a results.json: repeat that run
                n = n.get("config");
                if (!n.isObject()) {
                    throw new UserError(name + ": the results' 'config' must be a JSON object");
                }
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!TOP.contains(k)) {
                    throw new UserError(name + ": unknown key " + Messages.quote(k) + "; known: "
                            + String.join(", ", new java.util.TreeSet<>(TOP)));
                }
            }
            return new ConfigFile(name, n);
        } catch (NoSuchFileException e) {
            throw new UserError(name + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            if (at == null || at.getLineNr() < 1) {
                throw new UserError(name + ": not valid JSON (" + Messages.oneLine(e.getOriginalMessage()) + ")");
            }
            throw new UserError(name + ": not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
        } catch (IOException e) {
            throw new UserError(name + ": cannot be read (" + Messages.oneLine(e.getMessage()) + ")");
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

    /** A number that must be above zero (learning rates). */
    private double positive(JsonNode parent, String path, String key, double fallback) {
        double v = number(parent, path, key, fallback);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new UserError(file + ": '" + path + key + "' must be a number above 0, got " + parent.get(key));
        }
        return v;
    }

    /** A whole number of at least {@code min} (epochs, batch sizes, patience). */
    private int whole(JsonNode parent, String path, String key, int fallback, int min) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        boolean ok = v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && v.canConvertToInt() && v.asInt() >= min;
        if (!ok) {
            throw new UserError(file + ": '" + path + key + "' must be a whole number of at least " + min + ", got " + v);
        }
        return v.asInt();
    }

    /** A list of strings, or null when the key is absent. */
    private List<String> texts(String key) {
        JsonNode v = root.get(key);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(x -> out.add(x.isTextual() ? x.asText() : null));
        }
        if (!v.isArray() || out.isEmpty() || out.contains(null)) {
            throw new UserError(file + ": '" + key + "' must be a non-empty list of names, e.g. [\"gaussian\", \"blindspot\"]");
        }
        return out;
    }

    /**
     * Checks the data keys when the command line does not name the data: a target only goes with a
     * CSV file given as the data set.
     */
    void checkData() {
        String target = text("target");
        String dataset = text("dataset");
        if (target != null && (dataset == null
                || BuiltinDatasets.list().stream().anyMatch(i -> i.name().equals(dataset)))) {
            throw new UserError(file + ": 'target' applies to a CSV file given as 'dataset'; built-in sets have their target");
        }
    }

    private JsonNode object(String key, Set<String> allowed) {
        JsonNode v = root.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw new UserError(file + ": '" + key + "' must be an object");
        }
        return object(v, key, allowed);
    }

    /** {@code v} (an object at {@code path}) after checking that it has only {@code allowed} keys. */
    private JsonNode object(JsonNode v, String path, Set<String> allowed) {
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserError(file + ": unknown key '" + path + "." + k + "'; known: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return v;
    }

    /**
     * The audits of the file's {@code "audits"} object ({@code {"shadow": ["lira", ...], "shadow_models": 16}}),
     * over {@code base}; absent keys keep {@code base}'s values.
     */
    AuditConfig audits(AuditConfig base) {
        JsonNode a = object("audits", Set.of("shadow", "shadow_models"));
        if (a == null) {
            return base;
        }
        List<String> shadow = base.shadow();
        JsonNode sn = a.get("shadow");
        if (sn != null) {
            List<String> s = new ArrayList<>();
            if (sn.isArray()) {
                sn.forEach(x -> s.add(x.isTextual() && AuditConfig.SHADOW.contains(x.asText()) ? x.asText() : null));
            }
            if (!sn.isArray() || s.contains(null)) {
                throw new UserError(file + ": 'audits.shadow' must be a list of " + String.join(", ", AuditConfig.SHADOW)
                        + " (or empty), got " + sn);
            }
            shadow = s;
        }
        JsonNode kn = a.get("shadow_models");
        int k = base.shadowModels();
        if (kn != null) {
            if (!(kn.isIntegralNumber() && kn.canConvertToInt() && kn.asInt() >= 4 && kn.asInt() % 2 == 0)) {
                throw new UserError(file + ": 'audits.shadow_models' must be an even whole number of at least 4, got " + kn);
            }
            k = kn.asInt();
        }
        return new AuditConfig(shadow, k);
    }

    /** The defaults of {@code base} with this file's settings applied; every value is checked here, naming its key. */
    @SuppressWarnings("unchecked")
    ExperimentConfig apply(ExperimentConfig base) {
        ExperimentConfig c = base;
        JsonNode model = object("model", Set.of("architecture", "hyperparameters"));
        if (model != null) {
            JsonNode archNode = model.get("architecture");
            if (archNode != null && (!archNode.isTextual() || !Models.ARCHITECTURES.contains(archNode.asText()))) {
                throw new UserError(file + ": 'model.architecture': unknown model " + archNode + "; known: "
                        + String.join(", ", Models.ARCHITECTURES));
            }
            JsonNode hpNode = model.get("hyperparameters");
            if (hpNode != null && !hpNode.isObject()) {
                throw new UserError(file + ": 'model.hyperparameters' must be an object");
            }
            Map<String, Object> hp = hpNode != null ? Json.MAPPER.convertValue(hpNode, Map.class) : Map.of();
            String arch = archNode != null ? archNode.asText() : c.model().architecture();
            Map<String, Object> merged;
            try {
                merged = new LinkedHashMap<>(arch.equals(c.model().architecture())
                        ? c.model().hyperparameters() : Protocol.spec(arch, c).hyperparameters());
            } catch (UserError e) {
                throw new UserError(file + ": 'model.architecture': " + e.getMessage());
            }
            merged.putAll(hp);
            ModelSpec spec = new ModelSpec(arch, merged);
            // weights, gradients and Adam's two moments: 16 bytes per parameter at the least
            long limit = Runtime.getRuntime().maxMemory() / 16;
            try (org.lethe.models.nn.ParameterBudget b = org.lethe.models.nn.ParameterBudget.open(limit, "what "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB of heap can train")) {
                Models.create(spec, new Rng(0));
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new UserError(file + ": 'model': " + (e.getMessage() == null ? "the hyperparameters do not fit " + arch
                        : Messages.oneLine(e.getMessage())));
            }
            c = c.withModel(spec);
        }
        String forget = text("forget");
        if (forget != null) {
            try {
                ForgetRequest.parseAll(forget);
            } catch (DataException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
        }
        String loss = text("loss");
        if (loss != null) {
            try {
                Loss.parse(loss);
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": 'loss': " + e.getMessage());
            }
        }
        c = Protocol.override(c, null, null, forget, loss);
        List<String> methods = texts("methods");
        if (methods != null) {
            for (String m : methods) {
                if (!Methods.ALL.contains(m)) {
                    throw new UserError(file + ": 'methods': unknown method '" + m + "'; known: " + String.join(", ", Methods.ALL));
                }
            }
            c = c.withMethods(methods);
        }
        JsonNode seedsNode = root.get("seeds");
        if (seedsNode != null) {
            List<Long> s = new ArrayList<>();
            if (seedsNode.isArray()) {
                seedsNode.forEach(x -> s.add(x.isIntegralNumber() && x.canConvertToLong() ? x.asLong() : null));
            }
            if (!seedsNode.isArray() || s.isEmpty() || s.contains(null)) {
                throw new UserError(file + ": 'seeds' must be a non-empty list of whole numbers, e.g. [1, 2, 3]");
            }
            c = c.withSeeds(s);
        }
        JsonNode o = object("original", Set.of("optimizer", "epochs", "batch_size", "learning_rate", "weight_decay", "loss",
                "plateau", "early_stopping_patience", "keep_best", "seed"));
        TrainConfig t = c.original();
        if (o != null) {
            checkRecorded(o, c.loss());
            if (o.has("keep_best") && !o.get("keep_best").isBoolean()) {
                throw new UserError(file + ": 'original.keep_best' must be true or false");
            }
            double wd = number(o, "original.", "weight_decay", t.weightDecay());
            if (!(wd >= 0) || !Double.isFinite(wd)) {
                throw new UserError(file + ": 'original.weight_decay' must be a number of at least 0, got " + o.get("weight_decay"));
            }
            t = new TrainConfig(whole(o, "original.", "epochs", t.epochs(), 1), whole(o, "original.", "batch_size",
                    t.batchSize(), 1), positive(o, "original.", "learning_rate", t.learningRate()), wd, t.loss(), t.plateau(),
                    whole(o, "original.", "early_stopping_patience", t.earlyStoppingPatience(), 0),
                    o.has("keep_best") ? o.get("keep_best").asBoolean() : t.keepBest(), t.seed());
            if (o.has("plateau")) {
                t = t.withPlateau(plateau(o.get("plateau"), t.plateau()));
            }
        }
        Set<String> simple = Set.of("learning_rate", "epochs", "batch_size");
        JsonNode f = object("finetune", simple);
        FinetuneUnlearner.Config fc = f == null ? c.finetune() : new FinetuneUnlearner.Config(positive(f, "finetune.",
                "learning_rate", c.finetune().learningRate()), whole(f, "finetune.", "epochs", c.finetune().epochs(), 1),
                whole(f, "finetune.", "batch_size", c.finetune().batchSize(), 1));
        JsonNode g = object("gaussian", simple);
        GaussianUnlearner.Config gc = g == null ? c.gaussian() : new GaussianUnlearner.Config(positive(g, "gaussian.",
                "learning_rate", c.gaussian().learningRate()), whole(g, "gaussian.", "epochs", c.gaussian().epochs(), 1),
                whole(g, "gaussian.", "batch_size", c.gaussian().batchSize(), 1));
        JsonNode b = object("blindspot", Set.of("blindspot_epochs", "blindspot_learning_rate", "epochs", "learning_rate",
                "batch_size", "beta"));
        BlindspotUnlearner.Config bc = c.blindspot();
        if (b != null) {
            bc = new BlindspotUnlearner.Config(whole(b, "blindspot.", "blindspot_epochs", bc.blindspotEpochs(), 1),
                    positive(b, "blindspot.", "blindspot_learning_rate", bc.blindspotLearningRate()),
                    whole(b, "blindspot.", "epochs", bc.epochs(), 1), positive(b, "blindspot.", "learning_rate",
                    bc.learningRate()), whole(b, "blindspot.", "batch_size", bc.batchSize(), 1),
                    number(b, "blindspot.", "beta", bc.beta()));
        }
        boolean ainOn = c.computeAin();
        AnamnesisIndex.Config ac = c.ain();
        JsonNode a = root.get("ain");
        if (a != null) {
            if (a.isTextual() && a.asText().equals("off")) {
                ainOn = false;
            } else {
                if (!a.isObject()) {
                    throw new UserError(file + ": 'ain' must be an object or \"off\"");
                }
                JsonNode ao = object("ain", Set.of("learning_rate", "batch_size", "max_epochs", "alpha"));
                ainOn = true;
                ac = new AnamnesisIndex.Config(positive(ao, "ain.", "learning_rate", ac.learningRate()),
                        whole(ao, "ain.", "batch_size", ac.batchSize(), 1), whole(ao, "ain.", "max_epochs",
                        ac.maxEpochs(), 1), number(ao, "ain.", "alpha", ac.alpha()));
            }
        }
        JsonNode ss = root.get("split_seed");
        if (ss != null && !(ss.isIntegralNumber() && ss.canConvertToLong())) {
            throw new UserError(file + ": 'split_seed' must be a whole number, got " + ss);
        }
        long splitSeed = ss != null ? ss.asLong() : c.splitSeed();
        double val = number(root, "", "validation_fraction", c.validation());
        double test = number(root, "", "test_fraction", c.test());
        if (!(val >= 0) || !(test >= 0) || !(val + test < 1)) {
            throw new UserError(file + ": 'validation_fraction' (" + val + ") and 'test_fraction' (" + test
                    + ") must be at least 0 and leave rows to train on (their sum below 1)");
        }
        BeyondPaper beyond = c.beyond();
        for (String name : BeyondPaper.NAMES) {
            Map<String, Object> defaults = beyond.describe(name);
            JsonNode n = object(name, defaults.keySet());
            if (n == null) {
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                Object d = defaults.get(k);
                if (d instanceof String) {
                    // a name (SISA's aggregation, certified removal's mode); the method checks which names it takes
                    if (!n.get(k).isTextual()) {
                        throw new UserError(file + ": '" + name + "." + k + "' must be a string");
                    }
                    values.put(k, n.get(k).asText());
                    continue;
                }
                values.put(k, d instanceof Integer i ? whole(n, name + ".", k, i, k.equals("max_epochs") ? 0 : 1)
                        : number(n, name + ".", k, ((Number) d).doubleValue()));
            }
            try {
                beyond = beyond.with(name, values);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage().startsWith(name + ": ") ? e.getMessage().substring(name.length() + 2)
                        : e.getMessage();
                throw new UserError(file + ": '" + name + "': " + why);
            }
        }
        return c.withOriginal(t.withLoss(c.loss())).withFinetune(fc).withGaussian(gc).withBlindspot(bc).withAin(ainOn)
                .withAinConfig(ac).withSplit(splitSeed, val, test).withBeyond(beyond);
    }

    /**
     * The keys of {@code original} that results.json records but the protocol fixes: {@code optimizer}
     * (Adam, the only one), {@code loss} (Original trains with the experiment's {@code loss}) and
     * {@code seed} (each seed's Original uses that seed of {@code seeds}; the recorded value is the
     * first's). They are accepted so that a run can be repeated from its own results; a value that
     * contradicts the protocol is refused.
     */
    private void checkRecorded(JsonNode o, Loss experimentLoss) {
        JsonNode opt = o.get("optimizer");
        if (opt != null && !(opt.isTextual() && opt.asText().equals("adam"))) {
            throw new UserError(file + ": 'original.optimizer' must be \"adam\" (the protocol's optimiser), got " + opt);
        }
        JsonNode l = o.get("loss");
        if (l != null) {
            String lossName = text("loss");
            String expected = (lossName != null ? Loss.parse(lossName) : experimentLoss).name().toLowerCase(java.util.Locale.ROOT);
            if (!(l.isTextual() && l.asText().equals(expected))) {
                throw new UserError(file + ": 'original.loss' must be the experiment's loss \"" + expected
                        + "\" (Original trains with it; set 'loss' to change both), got " + l);
            }
        }
        JsonNode seed = o.get("seed");
        if (seed != null && !(seed.isIntegralNumber() && seed.canConvertToLong())) {
            throw new UserError(file + ": 'original.seed' must be a whole number, got " + seed);
        }
    }

    /** {@code original.plateau}: {@code "none"} (a constant rate) or ReduceLROnPlateau's settings over {@code base}'s. */
    private ReduceLROnPlateau.Config plateau(JsonNode v, ReduceLROnPlateau.Config base) {
        if (v.isTextual() && v.asText().equals("none")) {
            return null;
        }
        if (!v.isObject()) {
            throw new UserError(file + ": 'original.plateau' must be an object or \"none\"");
        }
        object(v, "original.plateau", Set.of("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"));
        ReduceLROnPlateau.Config b = base != null ? base : ReduceLROnPlateau.Config.defaults();
        String path = "original.plateau.";
        ReduceLROnPlateau.Mode mode = choice(v, path, "mode", ReduceLROnPlateau.Mode.class, b.mode());
        ReduceLROnPlateau.ThresholdMode tm = choice(v, path, "threshold_mode", ReduceLROnPlateau.ThresholdMode.class,
                b.thresholdMode());
        double factor = number(v, path, "factor", b.factor());
        if (!(factor > 0 && factor < 1)) {
            throw new UserError(file + ": '" + path + "factor' must be a number between 0 and 1 (both excluded), got "
                    + v.get("factor"));
        }
        double threshold = number(v, path, "threshold", b.threshold());
        double minLr = number(v, path, "min_lr", b.minLr());
        for (String k : List.of("threshold", "min_lr")) {
            double x = k.equals("threshold") ? threshold : minLr;
            if (!(x >= 0) || !Double.isFinite(x)) {
                throw new UserError(file + ": '" + path + k + "' must be a number of at least 0, got " + v.get(k));
            }
        }
        return new ReduceLROnPlateau.Config(mode, factor, whole(v, path, "patience", b.patience(), 0), threshold, tm,
                whole(v, path, "cooldown", b.cooldown(), 0), minLr, b.eps());
    }

    /** A lower-case name of one of {@code type}'s constants ({@code "min"}, {@code "rel"}). */
    private <E extends Enum<E>> E choice(JsonNode parent, String path, String key, Class<E> type, E fallback) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String n = e.name().toLowerCase(java.util.Locale.ROOT);
            names.add(n);
            if (v.isTextual() && v.asText().equals(n)) {
                return e;
            }
        }
        throw new UserError(file + ": '" + path + key + "' must be one of " + String.join(", ", names) + ", got " + v);
    }
}
