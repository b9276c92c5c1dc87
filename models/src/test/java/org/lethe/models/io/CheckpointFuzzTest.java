package org.lethe.models.io;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: a checkpoint's JSON header and data section, with a correct length prefix, so that
 * the fuzzer works on the header's content (tensor entries, offsets, shapes, the {@code lethe.*}
 * metadata and the architecture it describes) rather than on the 8-byte length. The input is the
 * header up to its first NUL byte, then the data section. {@link Checkpoint#load} and reading the
 * recorded standardisation back ({@link Checkpoint.Loaded#normalizer}, as {@code predict} and {@code unlearn}
 * do) may only fail with a {@link CheckpointException}. Committed inputs:
 * {@code CheckpointFuzzTestInputs/loadCheckpointHeader/}.
 */
class CheckpointFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("lethe-fuzz-", ".safetensors");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file for an input: the 8-byte little-endian header length, the header, the data section. */
    static byte[] file(byte[] input) {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) {
            nul++;
        }
        int data = Math.max(0, input.length - nul - 1);
        ByteBuffer b = ByteBuffer.allocate(8 + nul + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(nul).put(input, 0, nul);
        if (data > 0) {
            b.put(input, nul + 1, data);
        }
        return b.array();
    }

    @FuzzTest
    @DictionaryEntries({"\"__metadata__\"", "\"dtype\"", "\"F32\"", "\"F64\"", "\"I64\"", "\"shape\"", "\"data_offsets\"",
        "\"lethe.architecture\"", "\"lethe.seed\"", "\"lethe.training\"", "\"lethe.normalisation\"",
        "\\\"architecture\\\"", "\\\"hyperparameters\\\"", "\\\"mlp\\\"", "\\\"lstm\\\"", "\\\"char\\\"",
        "\\\"allcnn\\\"", "\\\"resnet18\\\"", "\\\"smallcnn\\\"", "\\\"siamese\\\"", "\\\"inputs\\\"", "\\\"hidden\\\"",
        "\\\"feature_mean\\\"", "\\\"feature_std\\\"", "\\\"target_mean\\\"", "\\\"target_std\\\"",
        "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"})
    void loadCheckpointHeader(byte[] input) throws IOException {
        Files.write(FILE, file(input));
        try {
            Checkpoint.Loaded l = Checkpoint.load(FILE);
            l.normalizer();
        } catch (CheckpointException expected) {
            FuzzChecks.oneLine(expected);
        }
    }
}
