package org.lethe.models.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: any bytes as a checkpoint file. {@link Checkpoint#load} (which reads the container
 * with {@link Safetensors#read}, then the metadata, then builds the model) may only fail with a
 * {@link CheckpointException}; anything else (an index or size error, an allocation sized by the
 * input, a null) is a bug. Committed inputs: {@code SafetensorsFuzzTestInputs/loadCheckpoint/}.
 */
class SafetensorsFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("lethe-fuzz-", ".safetensors");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void loadCheckpoint(byte[] input) throws IOException {
        Files.write(FILE, input);
        try {
            Checkpoint.load(FILE);
        } catch (CheckpointException expected) {
            FuzzChecks.oneLine(expected);
        }
    }
}
