package org.lethe.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.models.Messages;

/**
 * The data readers on hostile or broken files (each case a bug the fuzz targets found, or a check
 * the hardening added): a one-line {@link DataException}, never an index, size or memory error.
 */
class HostileDataFilesTest {
    @TempDir
    Path dir;

    private static String rejected(org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(DataException.class, e).getMessage();
        assertEquals(-1, m.indexOf('\n'), m);
        assertEquals(-1, m.indexOf('\r'), m);
        return m;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String taylorRows(int n) {
        StringBuilder sb = new StringBuilder("t,demand_mw\n");
        for (int i = 0; i < n; i++) {
            sb.append(i).append(',').append(30000 + i).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aTimeSeriesShorterThanAWindowIsRejected() {
        // Was a NegativeArraySizeException (23 rows) or an empty data set (24 rows).
        assertEquals("taylor.csv: 23 half-hours, but a window needs 24 past ones and the value to predict",
                rejected(() -> BuiltinDatasets.taylor(utf8(taylorRows(23)))));
        assertTrue(rejected(() -> BuiltinDatasets.taylor(utf8(taylorRows(24)))).startsWith("taylor.csv: 24 half-hours"));
        assertEquals(1, BuiltinDatasets.taylor(utf8(taylorRows(25))).size());
    }

    @Test
    void lexiconProblemsAreNamedByLine() {
        assertEquals("vader_lexicon.txt: no entries", rejected(() -> BuiltinDatasets.vader(new byte[0])));
        assertEquals("vader_lexicon.txt: no entries", rejected(() -> BuiltinDatasets.vaderVocabulary(utf8("\n\n"))));
        // A line of tabs only: an ArrayIndexOutOfBoundsException in the vocabulary count before.
        assertEquals("vader_lexicon.txt: line 2 has an empty token",
                rejected(() -> BuiltinDatasets.vaderVocabulary(utf8("ok\t1.0\n\t\t\n"))));
        assertEquals("vader_lexicon.txt: line 1 has no valence field", rejected(() -> BuiltinDatasets.vader(utf8("word\n"))));
        assertEquals("vader_lexicon.txt: line 1: the token is 21 characters, longer than 20",
                rejected(() -> BuiltinDatasets.vader(utf8("a".repeat(21) + "\t1\n"))));
        assertEquals("vader_lexicon.txt: line 1: 'NaN' is not a finite number",
                rejected(() -> BuiltinDatasets.vader(utf8("x\tNaN\n"))));
        assertEquals("vader_lexicon.txt: line 1: 'a\\u001b[2Jb' is not a number",
                rejected(() -> BuiltinDatasets.vader(utf8("x\ta\u001b[2Jb\n"))));
        assertEquals("vader_lexicon.txt: not UTF-8 text",
                rejected(() -> BuiltinDatasets.vader(new byte[] {'x', '\t', '1', (byte) 0xff})));
        RegressionData d = BuiltinDatasets.vader(utf8("ab\t1.5\tignored\nb\t-2\n"));
        assertEquals(2, d.size());
        assertEquals(3, BuiltinDatasets.vaderVocabulary(utf8("ab\t1.5\tignored\nb\t-2\n")));
    }

    private static byte[] images(int declared, int actual) {
        int px = BuiltinDatasets.IMAGE * BuiltinDatasets.IMAGE;
        return ByteBuffer.allocate(16 + actual * px).putInt(0x803).putInt(declared).putInt(28).putInt(28).array();
    }

    private static byte[] labels(int declared, int actual) {
        return ByteBuffer.allocate(8 + actual).putInt(0x801).putInt(declared).array();
    }

    @Test
    void idxCountsAreCheckedAgainstTheFileBeforeAllocating() {
        byte[] none = new byte[0];
        // A negative label count gave NegativeArraySizeException or, multiplied by 784 with overflow, an OutOfMemoryError.
        assertEquals("train-labels-idx1-ubyte.gz: declares -436207617 labels (1..70000 accepted)",
                rejected(() -> BuiltinDatasets.fashionRotation(images(2, 2), labels(0xe5ffffff, 2), 10, 0, none, none)));
        assertEquals("train-images-idx3-ubyte.gz: declares -2147483647 images (1..70000 accepted)",
                rejected(() -> BuiltinDatasets.fashionRotation(images(0x80000001, 1), labels(1, 1), 10, 0, none, none)));
        assertEquals("train-images-idx3-ubyte.gz: declares 3 images, needing 2368 bytes, but has 1584",
                rejected(() -> BuiltinDatasets.fashionRotation(images(3, 2), labels(3, 3), 10, 0, none, none)));
        assertEquals("train-labels-idx1-ubyte.gz: declares 3 labels, needing 11 bytes, but has 10",
                rejected(() -> BuiltinDatasets.fashionRotation(images(2, 2), labels(3, 2), 10, 0, none, none)));
        assertEquals(2, BuiltinDatasets.fashionRotation(images(2, 2), labels(3, 3), 10, 0, none, none).size());
    }

    @Test
    void gzipIsDecompressedOnlyUpToItsCap() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(new byte[1 << 20]);
        }
        byte[] bomb = bytes.toByteArray();
        assertTrue(bomb.length < 2000, "a megabyte of zeros compresses to " + bomb.length + " bytes");
        assertEquals("data.gz: decompresses to more than 1000 bytes",
                rejected(() -> BuiltinDatasets.gunzip("data.gz", bomb, 1000)));
        assertEquals(1 << 20, BuiltinDatasets.gunzip("data.gz", bomb, 1 << 20).length);
        assertTrue(rejected(() -> BuiltinDatasets.gunzip("data.gz", new byte[] {1, 2, 3}, 10))
                .startsWith("data.gz: not a valid gzip file"));
    }

    @Test
    void csvValuesFromTheFileAreQuotedOnOneLine() {
        // (commons-csv counts lines to the end of the record.)
        assertEquals("data.csv: line 3, column 'a': 'x\\ny' is not a number",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("a,y\n\"x\ny\",1\n"), "y")));
        assertEquals("data.csv: line 3, column 'a\\rb': missing value",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("\"a\rb\",y\n,1\n"), "y")));
        assertEquals("data.csv: no column 'y\\n'; the columns are a, b",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("a,b\n1,2\n"), "y\n")));
        String longCell = "z".repeat(500);
        String m = rejected(() -> CsvData.fromBytes("data.csv", utf8("a,y\n" + longCell + ",1\n"), "y"));
        assertTrue(m.length() < 200, m);
        assertTrue(m.contains("'" + "z".repeat(Messages.MAX_QUOTED) + "...'"), m);
    }

    @Test
    void csvValuesBeyondFloat32AreRejected() {
        // They loaded as finite doubles and became infinities in the float32 inputs.
        assertEquals("data.csv: line 2, column 'a': '1e39' is beyond the float32 range (about 3.4e38) that models compute in",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("a,y\n1e39,1\n"), "y")));
        assertEquals("data.csv: line 2, column 'y': '-4e38' is beyond the float32 range (about 3.4e38) that models compute in",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("a,y\n1,-4e38\n"), "y")));
        assertEquals(1, CsvData.fromBytes("data.csv", utf8("a,y\n3e38,1e-300\n"), "y").size());
    }

    @Test
    void csvColumnNamesAreCapped() {
        assertEquals("data.csv: line 1, column 1: the column name is longer than 200 characters",
                rejected(() -> CsvData.fromBytes("data.csv", utf8("n".repeat(201) + ",y\n1,2\n"), "y")));
    }

    @Test
    void onlyRegularFilesAreReadAsCsv() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("folder.csv"));
        assertEquals("folder.csv: not a regular file", rejected(() -> CsvData.load(sub, "y")));
    }
}
