package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.io.CheckpointException;

/** Checkpoints round-trip exactly, record their metadata, write atomically and reject bad files with one line. */
class CheckpointTest {
    @TempDir
    Path dir;

    private Path saved(RegressionModel m) {
        Path p = dir.resolve("model.safetensors");
        Checkpoint.save(p, m, new Checkpoint.Info(Map.of("epochs", 3, "loss", "l1"), 42, "sha256:abc",
                Map.of("mean", 1.5, "std", 2.0), "test-version", Map.of("note", "hello")));
        return p;
    }

    @Test
    void roundTripKeepsWeightsBuffersAndMetadata() {
        for (ModelSpec spec : TestModels.specs()) {
            Rng rng = new Rng(3);
            RegressionModel m = Models.create(spec, rng);
            TestModels.warmBatchNorm(m, rng);
            Path p = saved(m);
            Checkpoint.Loaded l = Checkpoint.load(p);
            assertEquals(spec, l.model().spec());
            m.stateDict().tensors().forEach((n, t) ->
                    assertArrayEquals(t.toDoubleArray(), l.model().stateDict().get(n).toDoubleArray(), spec + " " + n));
            Tensor x = TestModels.input(m, 4, rng);
            assertArrayEquals(m.predict(x).toFloatArray(), l.model().predict(x).toFloatArray());
            assertEquals(42, l.info().seed());
            assertEquals("sha256:abc", l.info().dataHash());
            assertEquals(1.5, ((Number) l.info().normalisation().get("mean")).doubleValue());
            assertEquals(3, ((Number) l.info().training().get("epochs")).intValue());
            assertEquals("test-version", l.info().codeVersion());
            assertEquals("hello", l.info().extra().get("lethe.note"));
        }
    }

    @Test
    void theSameModelGivesTheSameBytesAndNoTemporaryFilesRemain() throws IOException {
        RegressionModel m = new Mlp(3, new int[] {4}, 0, new Rng(1));
        byte[] first = Files.readAllBytes(saved(m));
        byte[] second = Files.readAllBytes(saved(m));
        assertArrayEquals(first, second);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the checkpoint itself");
        }
    }

    private String rejected(byte[] content) throws IOException {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().startsWith("bad.safetensors ") || e.getMessage().startsWith("bad.safetensors: "),
                e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    @Test
    void hostileAndCorruptFilesAreRejectedWithOneLine() throws IOException {
        byte[] good = Files.readAllBytes(saved(new Mlp(3, new int[] {4}, 0, new Rng(1))));
        assertTrue(rejected(Arrays.copyOf(good, 5)).contains("too short"));
        String truncated = rejected(Arrays.copyOf(good, good.length - 3));
        assertTrue(truncated.contains("outside its") || truncated.contains("gap"), truncated);
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertTrue(rejected(huge).contains("declares a header of"));
        assertTrue(rejected(file("{not json", new byte[0])).contains("not valid JSON"));
        assertTrue(rejected(file("[1,2]", new byte[0])).contains("not a JSON object"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]))
                .contains("stores tensor 'a' as F16"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]))
                .contains("gives tensor 'a' 8 bytes, but F32 [3] needs 12"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4000000000]}}", new byte[4]))
                .contains("outside its 4-byte data section"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]))
                .contains("invalid shape"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])).contains("overlapping"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]))
                .contains("a gap at byte 0"));
        assertTrue(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,4]}}",
                new byte[4])).contains("more than"));
        assertTrue(rejected(file("{\"__metadata__\":{\"x\":1}}", new byte[0])).contains("metadata 'x' that is not a string"));
        assertTrue(rejected(file("{}", new byte[0])).contains("no lethe.architecture"));
        assertTrue(rejected(file("{\"__metadata__\":{\"lethe.architecture\":\"{\\\"architecture\\\":\\\"gpt\\\"}\"}}",
                new byte[0])).contains("unknown architecture 'gpt'"));
        assertTrue(rejected(file("{\"__metadata__\":{\"lethe.architecture\":\"{\\\"architecture\\\":\\\"mlp\\\","
                + "\\\"hyperparameters\\\":{\\\"inputs\\\":8,\\\"hidden\\\":\\\"wide\\\",\\\"dropout\\\":0}}\"}}",
                new byte[0])).contains("model spec mlp: hyperparameter 'hidden' must be a list of whole numbers, got wide"));
        Path missing = dir.resolve("none.safetensors");
        assertEquals("none.safetensors does not exist",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(missing)).getMessage());
    }

    @Test
    void weightsForAnotherShapeAreRejectedStrictly() {
        Path p = saved(new Mlp(3, new int[] {4}, 0, new Rng(1)));
        RegressionModel other = new Mlp(3, new int[] {5}, 0, new Rng(1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(p, other));
        assertEquals("model.safetensors: state dict entry layers.0.weight has shape [4, 3], the model expects [5, 3]",
                e.getMessage());
    }

    @Test
    void integerCountersAreStoredAsInt64() throws IOException {
        Rng rng = new Rng(2);
        AllCnn m = new AllCnn(1, 8, 0.1, rng);
        TestModels.warmBatchNorm(m, rng);
        Path p = saved(m);
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"conv1.1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]"), header);
        assertEquals(3.0, Checkpoint.load(p).model().stateDict().get("conv1.1.num_batches_tracked").item());
        assertEquals(DType.FLOAT64, Checkpoint.load(p).model().stateDict().get("conv1.1.num_batches_tracked").dtype());
    }
}
