package org.lethe.models.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.Messages;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Normalizer;
import org.lethe.models.nn.ParameterBudget;
import org.lethe.models.nn.StateDict;

/**
 * A model checkpoint: a safetensors file whose tensors are named as PyTorch's {@code state_dict()}
 * names them, and whose metadata records what is needed to rebuild and to audit the model:
 * {@code lethe.format}, {@code lethe.architecture} (the {@link ModelSpec} as JSON), and, as given,
 * {@code lethe.training}, {@code lethe.seed}, {@code lethe.data_hash}, {@code lethe.normalisation},
 * {@code lethe.code_version} and any other {@code lethe.*} entries. No time stamp is written, so the same
 * model gives the same bytes. Writes are atomic.
 */
public final class Checkpoint {
    public static final String FORMAT = "lethe-checkpoint-1";
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** What a checkpoint records besides the weights; JSON-valued entries are maps. */
    public record Info(Map<String, Object> training, long seed, String dataHash, Map<String, Object> normalisation,
                       String codeVersion, Map<String, String> extra) {
        public Info {
            training = training == null ? Map.of() : Map.copyOf(training);
            normalisation = normalisation == null ? Map.of() : Map.copyOf(normalisation);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
            dataHash = dataHash == null ? "" : dataHash;
            codeVersion = codeVersion == null ? BuildInfo.codeVersion() : codeVersion;
        }

        /** Only the seed and the current code version. */
        public static Info of(long seed) {
            return new Info(Map.of(), seed, "", Map.of(), null, Map.of());
        }
    }

    /** A loaded model and what its checkpoint recorded; {@code file} is the checkpoint's file name. */
    public record Loaded(RegressionModel model, Info info, Map<String, String> metadata, String file) {
        /**
         * The standardisation the model was trained with ({@code lethe.normalisation}, identity if
         * absent); one that is not in {@link Normalizer#describe()}'s form is a {@link CheckpointException}.
         */
        public Normalizer normalizer() {
            try {
                return Normalizer.fromMap(info.normalisation());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + " has an invalid lethe.normalisation: " + e.getMessage());
            }
        }
    }

    private Checkpoint() {
    }

    public static void save(Path path, RegressionModel model, Info info) {
        Map<String, String> meta = new TreeMap<>();
        meta.put("lethe.format", FORMAT);
        meta.put("lethe.architecture", json(Map.of("architecture", model.spec().architecture(),
                "hyperparameters", model.spec().hyperparameters())));
        meta.put("lethe.training", json(info.training()));
        meta.put("lethe.seed", Long.toString(info.seed()));
        meta.put("lethe.data_hash", info.dataHash());
        meta.put("lethe.normalisation", json(info.normalisation()));
        meta.put("lethe.code_version", info.codeVersion());
        info.extra().forEach((k, v) -> meta.put(k.startsWith("lethe.") ? k : "lethe." + k, v));
        StateDict sd = model.stateDict();
        try {
            Safetensors.write(path, sd.tensors(), sd.integerKeys(), meta);
        } catch (IOException e) {
            throw new CheckpointException(path.getFileName() + " cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a checkpoint, rebuilds its architecture and loads the weights strictly (names and shapes). */
    public static Loaded load(Path path) {
        Safetensors.Contents c = Safetensors.read(path);
        String file = path.getFileName().toString();
        Map<String, String> meta = c.metadata();
        String arch = meta.get("lethe.architecture");
        if (arch == null) {
            throw new CheckpointException(file + " has no lethe.architecture metadata: it was not written by Lethe; use it as"
                    + " initial weights (lethe train --init, or Checkpoint.loadWeights)");
        }
        ModelSpec spec = architecture(file, arch);
        long values = 0;
        for (Tensor t : c.tensors().values()) {
            values += t.numel();
        }
        RegressionModel model;
        // The model must match the file's tensors exactly, so it may not allocate more values than the file
        // holds: a description of a huge model fails here, before any memory is taken.
        try (ParameterBudget b = ParameterBudget.open(values, "the file holds " + values)) {
            model = Models.create(spec, new Rng(0));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + Messages.oneLine(e.getMessage()));
        }
        loadWeights(file, model, c);
        long seed;
        try {
            seed = Long.parseLong(meta.getOrDefault("lethe.seed", "0"));
        } catch (NumberFormatException e) {
            throw new CheckpointException(file + " has a non-numeric lethe.seed " + Messages.quote(meta.get("lethe.seed")));
        }
        Map<String, String> extra = new LinkedHashMap<>(meta);
        for (String k : new String[] {"lethe.format", "lethe.architecture", "lethe.training", "lethe.seed",
            "lethe.data_hash", "lethe.normalisation", "lethe.code_version"}) {
            extra.remove(k);
        }
        Info info = new Info(parseMap(file, "lethe.training", meta.get("lethe.training")), seed, meta.get("lethe.data_hash"),
                parseMap(file, "lethe.normalisation", meta.get("lethe.normalisation")),
                meta.getOrDefault("lethe.code_version", "unknown"), extra);
        return new Loaded(model, info, meta, file);
    }

    /** Loads the tensors of a safetensors file (for example one saved from PyTorch) into a model, strictly. */
    public static void loadWeights(Path path, RegressionModel model) {
        loadWeights(path.getFileName().toString(), model, Safetensors.read(path));
    }

    private static void loadWeights(String file, RegressionModel model, Safetensors.Contents c) {
        StateDict expected = model.stateDict();
        for (String name : expected.integerKeys()) {
            String stored = c.storedTypes().get(name);
            if (stored != null && !stored.equals("I64")) {
                throw new CheckpointException(file + " stores " + name + " as " + stored + ", expected I64");
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        try {
            model.loadStateDict(new StateDict(tensors, expected.integerKeys()), true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + Messages.oneLine(e.getMessage()));
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint metadata is not JSON-serialisable: " + e.getMessage(), e);
        }
    }

    /** The {@link ModelSpec} of a {@code lethe.architecture} entry: an object with a name and optional hyperparameters. */
    private static ModelSpec architecture(String file, String arch) {
        JsonNode a;
        try {
            a = JSON.readTree(arch);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " has an unreadable lethe.architecture " + Messages.quote(arch));
        }
        if (a == null || !a.isObject() || !a.path("architecture").isTextual()) {
            throw new CheckpointException(file + " has a lethe.architecture without an architecture name: "
                    + Messages.quote(arch));
        }
        JsonNode hp = a.get("hyperparameters");
        if (hp != null && !hp.isNull() && !hp.isObject()) {
            throw new CheckpointException(file + " has lethe.architecture hyperparameters that are not an object: "
                    + Messages.quote(arch));
        }
        Map<String, Object> hyperparameters = hp == null || hp.isNull() ? Map.of()
                : JSON.convertValue(hp, new TypeReference<Map<String, Object>>() { });
        return new ModelSpec(a.get("architecture").asText(), hyperparameters);
    }

    private static Map<String, Object> parseMap(String file, String key, String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Map<String, Object> m;
        try {
            m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            m = null;
        }
        if (m == null) {
            throw new CheckpointException(file + " has " + key + " that is not a JSON object: " + Messages.quote(json));
        }
        return m;
    }
}
