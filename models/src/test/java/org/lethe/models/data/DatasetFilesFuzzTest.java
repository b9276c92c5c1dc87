package org.lethe.models.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzz target: the readers of the built-in data sets' files, on any bytes. The first byte picks the
 * reader, the rest is the file:
 * <ol start="0">
 *   <li>{@code taylor.csv} (the time-series windows),</li>
 *   <li>{@code vader_lexicon.txt} (the text task and its vocabulary),</li>
 *   <li>a decompressed {@code train-images-idx3-ubyte} (with a valid label file),</li>
 *   <li>a decompressed {@code train-labels-idx1-ubyte} (with a valid image file),</li>
 *   <li>a gzip file (the decompression, with its size cap: a small file may not inflate past it).</li>
 * </ol>
 * Each may only fail with a {@link DataException}. Committed inputs:
 * {@code DatasetFilesFuzzTestInputs/readDatasetFile/}.
 */
class DatasetFilesFuzzTest {
    static final int TAYLOR = 0;
    static final int VADER = 1;
    static final int IMAGES = 2;
    static final int LABELS = 3;
    static final int GZIP = 4;
    private static final byte[] NONE = new byte[0];
    private static final long GZIP_LIMIT = 1 << 16;

    static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] images(int n) {
        int px = BuiltinDatasets.IMAGE * BuiltinDatasets.IMAGE;
        ByteBuffer b = ByteBuffer.allocate(16 + n * px).putInt(0x803).putInt(n).putInt(BuiltinDatasets.IMAGE)
                .putInt(BuiltinDatasets.IMAGE);
        for (int i = 0; i < n * px; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    @FuzzTest
    void readDatasetFile(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] file = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (Math.floorMod(input[0], 5)) {
                case TAYLOR -> {
                    RegressionData d = BuiltinDatasets.taylor(file);
                    FuzzChecks.check(d.size() > 0, "taylor: no windows");
                }
                case VADER -> {
                    RegressionData d = BuiltinDatasets.vader(file);
                    FuzzChecks.check(d.size() > 0, "vader: no tokens");
                    for (double v : d.targets()) {
                        FuzzChecks.check(Double.isFinite(v), "vader: valence " + v);
                    }
                    int vocabulary = BuiltinDatasets.vaderVocabulary(file);
                    for (double id : d.inputs().toDoubleArray()) {
                        FuzzChecks.check(id >= 0 && id < vocabulary, "vader: id " + id + " outside the vocabulary of "
                                + vocabulary);
                    }
                }
                case IMAGES -> BuiltinDatasets.fashionRotation(file, labels(16), 4000, 0, NONE, NONE);
                case LABELS -> BuiltinDatasets.fashionRotation(images(2), file, 4000, 0, NONE, NONE);
                default -> FuzzChecks.check(BuiltinDatasets.gunzip("data.gz", file, GZIP_LIMIT).length <= GZIP_LIMIT,
                        "gzip: more than the cap");
            }
        } catch (DataException expected) {
            FuzzChecks.oneLine(expected);
        }
    }
}
