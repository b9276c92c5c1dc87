package org.lethe.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's CSV: one test per mistake, each a one-line error naming the file, line and column. */
class CsvValidationTest {
    @TempDir
    Path dir;

    private String error(String content, String target) throws Exception {
        Path f = dir.resolve("data.csv");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        DataException e = assertThrows(DataException.class, () -> CsvData.load(f, target));
        assertEquals(-1, e.getMessage().indexOf('\n'));
        return e.getMessage();
    }

    @Test
    void aGoodFileLoads() throws Exception {
        Path f = dir.resolve("ok.csv");
        Files.writeString(f, "a,b,y\n1,2,3\n4,5.5,-6e1\n");
        RegressionData d = CsvData.load(f, "y");
        assertEquals(2, d.size());
        assertArrayEquals(new double[] {1, 2, 4, 5.5}, d.inputs().toDoubleArray());
        assertArrayEquals(new double[] {3, -60}, d.targets());
        assertArrayEquals(new double[] {2, 5.5}, d.column("b"));
    }

    @Test
    void everyMistakeIsNamed() throws Exception {
        assertEquals("data.csv: line 3, column 'b': missing value", error("a,b,y\n1,2,3\n4,,6\n", "y"));
        assertEquals("data.csv: line 2, column 'a': 'abc' is not a number", error("a,b,y\nabc,2,3\n", "y"));
        assertEquals("data.csv: line 2, column 'y': 'NaN' is not a finite number", error("a,b,y\n1,2,NaN\n", "y"));
        assertEquals("data.csv: line 2, column 'b': 'Infinity' is not a finite number", error("a,b,y\n1,Infinity,3\n", "y"));
        assertEquals("data.csv: line 3 has 2 fields, the header has 3", error("a,b,y\n1,2,3\n4,5\n", "y"));
        assertEquals("data.csv: no column 'target'; the columns are a, b, y", error("a,b,y\n1,2,3\n", "target"));
        assertEquals("data.csv: the file is empty", error("", "y"));
        assertEquals("data.csv: no data rows after the header", error("a,b,y\n", "y"));
        assertEquals("data.csv: line 2, column 'a': missing value", error("a,b,y\nNA,2,3\n", "y"));
        assertEquals("data.csv: the only column is the target 'y'; no features", error("y\n1\n", "y"));
        assertEquals("data.csv: line 1: the column name 'a' appears twice (columns 1 and 2)", error("a,a,y\n1,2,3\n", "y"));
        assertEquals("data.csv: line 1, column 2: the column has no name", error("a,,y\n1,2,3\n", "y"));
        assertEquals("data.csv: line 3: malformed CSV (EOF reached before encapsulated token finished)",
                error("a,b,y\n1,2,3\n4,\"5,6\n", "y"));
        assertEquals(true, error("a,b,y\n1,\"2\"x,3\n", "y").startsWith("data.csv: line 2: malformed CSV ("));
        assertEquals("data.csv: line 3, column 'b': '2\\n3' is not a number", error("a,b,y\n1,\"2\n3\",4\n", "y"));
        Path bin = dir.resolve("bin.csv");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertEquals("bin.csv: not UTF-8 text", assertThrows(DataException.class, () -> CsvData.load(bin, "y")).getMessage());
        assertEquals("nothere.csv: no such file",
                assertThrows(DataException.class, () -> CsvData.load(dir.resolve("nothere.csv"), "y")).getMessage());
    }
}
