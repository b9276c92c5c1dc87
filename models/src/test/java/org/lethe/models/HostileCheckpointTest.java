package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.io.CheckpointException;
import org.lethe.models.nn.ParameterBudget;

/**
 * Checkpoints whose container is valid but whose metadata is hostile (each case a bug the fuzz
 * targets found, or a check the hardening added): a one-line {@link CheckpointException} naming the
 * file, never a NullPointerException, ClassCastException or an allocation the file does not back.
 */
class HostileCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path write(Map<String, String> metadata, Map<String, Object> tensors, byte[] data) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        header.putAll(tensors);
        byte[] h = JSON.writeValueAsBytes(header);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length)
                .put(h).put(data).array());
        return p;
    }

    private Path withArchitecture(String architecture) throws IOException {
        return write(Map.of("lethe.architecture", architecture), Map.of(), new byte[0]);
    }

    private static String rejected(Path p) {
        String m = assertThrows(CheckpointException.class, () -> Checkpoint.load(p)).getMessage();
        assertTrue(m.startsWith("bad.safetensors"), m);
        assertEquals(-1, m.indexOf('\n'), m);
        return m;
    }

    @Test
    void architectureEntriesWithoutAName() throws IOException {
        // "null" and an object without a name gave NullPointerExceptions.
        assertEquals("bad.safetensors has a lethe.architecture without an architecture name: 'null'",
                rejected(withArchitecture("null")));
        assertEquals("bad.safetensors has a lethe.architecture without an architecture name: '{\"hyperparameters\":{}}'",
                rejected(withArchitecture("{\"hyperparameters\":{}}")));
        assertEquals("bad.safetensors has a lethe.architecture without an architecture name: '[1]'",
                rejected(withArchitecture("[1]")));
        assertEquals("bad.safetensors has lethe.architecture hyperparameters that are not an object: "
                + "'{\"architecture\":\"mlp\",\"hyperparameters\":3}'",
                rejected(withArchitecture("{\"architecture\":\"mlp\",\"hyperparameters\":3}")));
        assertEquals("bad.safetensors has an unreadable lethe.architecture '{\\n'", rejected(withArchitecture("{\n")));
    }

    @Test
    void hyperparametersOfTheWrongType() throws IOException {
        assertEquals("bad.safetensors: model spec mlp: hyperparameter 'inputs' must be a whole number, got x",
                rejected(withArchitecture("{\"architecture\":\"mlp\",\"hyperparameters\":{\"inputs\":\"x\",\"hidden\":[2],"
                        + "\"dropout\":0}}")));
        assertEquals("bad.safetensors: model spec mlp: hyperparameter 'hidden' must be a whole number, got 2.5",
                rejected(withArchitecture("{\"architecture\":\"mlp\",\"hyperparameters\":{\"inputs\":1,\"hidden\":[2.5],"
                        + "\"dropout\":0}}")));
        assertEquals("MLP: dropout must be in [0, 1], got NaN", assertThrows(IllegalArgumentException.class,
                () -> new Mlp(1, new int[] {1}, Double.NaN, new Rng(1))).getMessage());
        assertEquals("bad.safetensors: unknown architecture 'gpt\\n'; known: mlp, allcnn, resnet18, smallcnn, lstm, char, "
                + "siamese", rejected(withArchitecture("{\"architecture\":\"gpt\\n\"}")));
    }

    @Test
    void aHugeArchitectureIsRefusedBeforeAllocating() throws IOException {
        // 40000 x 40000 floats (6.4 GB) ran the JVM out of memory; 10^5 x 10^5 overflowed the int size.
        String m = rejected(withArchitecture("{\"architecture\":\"mlp\",\"hyperparameters\":{\"inputs\":40000,"
                + "\"hidden\":[40000],\"dropout\":0}}"));
        assertEquals("bad.safetensors: the model needs more than 0 values (the file holds 0); Linear [40000, 40000] is past "
                + "the limit", m);
        m = rejected(withArchitecture("{\"architecture\":\"lstm\",\"hyperparameters\":{\"steps\":1,\"features\":1,"
                + "\"hidden\":1000000000,\"layers\":1}}"));
        assertTrue(m.contains("would have more than 2147483647 elements"), m);
    }

    @Test
    void invalidStandardisationIsAOneLineError() throws IOException {
        // Read back with Normalizer.fromMap, it gave NullPointerExceptions and ClassCastExceptions.
        Path p = dir.resolve("m.safetensors");
        Map<String, Object> norm = new LinkedHashMap<>();
        norm.put("feature_mean", List.of(1.0, 2.0));
        norm.put("feature_std", List.of(1.0));
        norm.put("target_mean", 0.0);
        norm.put("target_std", 1.0);
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertEquals("m.safetensors has an invalid lethe.normalisation: feature_mean has 2 values, feature_std 1",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(p).normalizer()).getMessage());
        norm.put("feature_std", List.of(1.0, "x"));
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertEquals("m.safetensors has an invalid lethe.normalisation: feature_std[1] must be a finite positive number, "
                + "got 'x'", assertThrows(CheckpointException.class, () -> Checkpoint.load(p).normalizer()).getMessage());
        norm.put("feature_std", List.of(1.0, 0.0));
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(p).normalizer()).getMessage()
                .endsWith("feature_std[1] must be a finite positive number, got '0.0'"));
        norm.remove("target_std");
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(p).normalizer()).getMessage()
                .endsWith("feature_std[1] must be a finite positive number, got '0.0'"));
        norm.put("feature_std", List.of(1.0, 3.0));
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertEquals("m.safetensors has an invalid lethe.normalisation: target_std must be a finite positive number, got "
                + "nothing", assertThrows(CheckpointException.class, () -> Checkpoint.load(p).normalizer()).getMessage());
        norm.put("target_std", 2.0);
        Checkpoint.save(p, new Mlp(2, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", norm, "v", Map.of()));
        assertEquals(2.0, Checkpoint.load(p).normalizer().targetStd());
    }

    @Test
    void metadataThatIsNotAnObject() throws IOException {
        Map<String, Object> tensors = new LinkedHashMap<>();
        int offset = 0;
        for (String name : new String[] {"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"}) {
            tensors.put(name, Map.of("dtype", "F32", "shape", name.endsWith("weight") ? List.of(1, 1) : List.of(1),
                    "data_offsets", List.of(offset, offset + 4)));
            offset += 4;
        }
        String arch = "{\"architecture\":\"mlp\",\"hyperparameters\":{\"inputs\":1,\"hidden\":[1],\"dropout\":0}}";
        assertEquals(4, Checkpoint.load(write(Map.of("lethe.architecture", arch), tensors, new byte[16])).model()
                .parameterCount());
        assertEquals("bad.safetensors has lethe.training that is not a JSON object: 'null'",
                rejected(write(Map.of("lethe.architecture", arch, "lethe.training", "null"), tensors, new byte[16])));
        assertEquals("bad.safetensors has lethe.normalisation that is not a JSON object: '[1, 2]'",
                rejected(write(Map.of("lethe.architecture", arch, "lethe.normalisation", "[1, 2]"), tensors, new byte[16])));
        assertEquals("bad.safetensors has a non-numeric lethe.seed 'x\\ny'",
                rejected(write(Map.of("lethe.architecture", arch, "lethe.seed", "x\ny"), tensors, new byte[16])));
    }

    @Test
    void namesFromTheFileAreEscaped() throws IOException {
        Map<String, Object> tensors = Map.of("a\nb\u001b[31m", Map.of("dtype", "F16", "shape", List.of(1), "data_offsets",
                List.of(0, 2)));
        assertEquals("bad.safetensors stores tensor 'a\\nb\\u001b[31m' as F16; Lethe reads F32, F64 and I64",
                rejected(write(Map.of(), tensors, new byte[2])));
        assertEquals("bad.safetensors has metadata 'k\\r' that is not a string",
                rejected(rawMetadata()));
    }

    private Path rawMetadata() throws IOException {
        byte[] h = "{\"__metadata__\":{\"k\\r\":1}}".getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        return p;
    }

    @Test
    void aShapeHasAtMost64Dimensions() throws IOException {
        List<Integer> ones = java.util.Collections.nCopies(65, 1);
        assertEquals("bad.safetensors gives tensor 'a' 65 dimensions (at most 64)", rejected(write(Map.of(),
                Map.of("a", Map.of("dtype", "F32", "shape", ones, "data_offsets", List.of(0, 4))), new byte[4])));
    }

    @Test
    void budgetsCountEveryLayerAndNest() {
        try (ParameterBudget outer = ParameterBudget.open(100, "outer")) {
            try (ParameterBudget inner = ParameterBudget.open(10, "ten")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new Mlp(3, new int[] {4}, 0, new Rng(1)));
                assertEquals("the model needs more than 10 values (ten); Linear [4, 3] is past the limit", e.getMessage());
            }
            new Mlp(3, new int[] {4}, 0, new Rng(1));
            assertEquals(21, outer.used());
            // An inner budget cannot grant more than the outer one has left (79 values).
            try (ParameterBudget inner = ParameterBudget.open(1000, "a thousand")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new Mlp(10, new int[] {10}, 0, new Rng(1)));
                assertEquals("the model needs more than 100 values (outer); Linear [10, 10] is past the limit", e.getMessage());
                assertEquals(0, inner.used());
            }
        }
        // No budget open: only the size of each tensor is checked.
        assertEquals(21, new Mlp(3, new int[] {4}, 0, new Rng(1)).stateDict().tensors().values().stream()
                .mapToLong(t -> t.numel()).sum());
        assertThrows(IllegalArgumentException.class, () -> ParameterBudget.reserve("x", 1L << 20, 1L << 20));
        assertThrows(IllegalArgumentException.class, () -> ParameterBudget.reserve("x", -1));
    }

    @Test
    void modelSpecValuesAreChecked() {
        ModelSpec s = new ModelSpec("t", Map.of("i", 3.0, "big", 3e10, "l", List.of(1, "x"), "f", "yes", "n", Double.NaN));
        assertEquals(3, s.integer("i"));
        assertEquals("model spec t: hyperparameter 'big' must be a whole number, got 3.0E10",
                assertThrows(IllegalArgumentException.class, () -> s.integer("big")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.integers("l"));
        assertThrows(IllegalArgumentException.class, () -> s.integers("i"));
        assertThrows(IllegalArgumentException.class, () -> s.flag("f"));
        assertThrows(IllegalArgumentException.class, () -> s.number("n"));
        assertThrows(IllegalArgumentException.class, () -> s.number("missing"));
    }
}
