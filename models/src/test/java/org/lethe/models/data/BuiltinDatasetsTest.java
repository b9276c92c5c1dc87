package org.lethe.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each built-in data set loads with the counts, ranges and hashes its provenance file records. */
class BuiltinDatasetsTest {
    private static JsonNode provenance(String folder) throws Exception {
        return new ObjectMapper().readTree(BuiltinDatasets.provenance(folder));
    }

    @Test
    void shippedFilesMatchTheirProvenance() throws Exception {
        for (String folder : new String[] {"concrete", "taylor", "vader", "fashion-mnist"}) {
            JsonNode p = provenance(folder);
            assertEquals(folder, p.get("name").asText());
            for (JsonNode f : p.get("files")) {
                byte[] bytes = DataFiles.read(folder, f.get("path").asText());
                assertEquals(f.get("bytes").asLong(), bytes.length, folder + "/" + f.get("path"));
                assertEquals(f.get("sha256").asText(), DataFiles.sha256(bytes), folder + "/" + f.get("path"));
            }
            for (JsonNode l : p.get("licence_files")) {
                assertTrue(DataFiles.read(folder, l.asText()).length > 0, folder + " licence " + l);
            }
        }
    }

    @Test
    void concrete() throws Exception {
        RegressionData d = BuiltinDatasets.load("concrete");
        assertEquals(provenance("concrete").get("rows").asInt(), d.size());
        assertArrayEquals(new int[] {8}, d.inputShape());
        double[] y = d.targets();
        assertEquals(2.33, Arrays.stream(y).min().orElseThrow(), 1e-9);
        assertEquals(82.6, Arrays.stream(y).max().orElseThrow(), 1e-9);
        assertEquals(197, Arrays.stream(y).filter(v -> v < 20).count(), "the default forget cohort");
        assertTrue(d.columns().containsKey("cement") && d.columns().containsKey("age"));
    }

    @Test
    void taylorWindows() throws Exception {
        RegressionData d = BuiltinDatasets.load("taylor");
        assertEquals(provenance("taylor").get("rows").asInt() - BuiltinDatasets.WINDOW, d.size());
        assertArrayEquals(new int[] {BuiltinDatasets.WINDOW, 1}, d.inputShape());
        // row r predicts half-hour r + 24 from half-hours r .. r + 23
        double[] x = d.inputs().toDoubleArray();
        assertEquals(d.target(0), x[(1) * BuiltinDatasets.WINDOW + BuiltinDatasets.WINDOW - 1], 1e-9);
        assertEquals(22262.0, x[0], 1e-9, "the first half-hour of 5 June 2000");
        double[] weekend = d.column("weekend");
        double share = Arrays.stream(weekend).sum() / weekend.length;
        assertEquals(2.0 / 7, share, 0.01);
        double[] dow = d.column("day_of_week");
        assertEquals(0, dow[0], "5 June 2000 was a Monday; row 0 predicts 12:00 that day");
        assertEquals(5, dow[5 * 48 - BuiltinDatasets.WINDOW], "the first Saturday");
        for (double v : d.targets()) {
            assertTrue(v > 18000 && v < 39000);
        }
    }

    @Test
    void vaderCharacters() throws Exception {
        RegressionData d = BuiltinDatasets.load("vader");
        assertEquals(provenance("vader").get("rows").asInt(), d.size());
        assertArrayEquals(new int[] {BuiltinDatasets.TEXT_LENGTH}, d.inputShape());
        double[] y = d.targets();
        assertEquals(-3.9, Arrays.stream(y).min().orElseThrow(), 1e-9);
        assertEquals(3.4, Arrays.stream(y).max().orElseThrow(), 1e-9);
        assertEquals(1053, Arrays.stream(y).filter(v -> v < -2).count());
        int vocab = BuiltinDatasets.vaderVocabulary();
        double[] ids = d.inputs().toDoubleArray();
        assertTrue(Arrays.stream(ids).allMatch(v -> v >= 0 && v < vocab && v == Math.rint(v)));
        // left padding: the last position always holds a character
        for (int i = 0; i < d.size(); i++) {
            assertTrue(ids[i * BuiltinDatasets.TEXT_LENGTH + BuiltinDatasets.TEXT_LENGTH - 1] > 0);
        }
        assertEquals(7224, (long) Arrays.stream(d.column("word")).sum(), "words (letters, hyphens, apostrophes) per DATASETS.md");
    }

    @Test
    void fashionRotationTargetsAreTheAppliedAngles() throws Exception {
        RegressionData d = BuiltinDatasets.load("fashion-rotation");
        assertEquals(provenance("fashion-mnist").get("rows").asInt(), d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.inputShape());
        double[] y = d.targets();
        for (int i = 0; i < y.length; i++) {
            assertEquals(BuiltinDatasets.angle(0, i), y[i]);
            assertTrue(y[i] >= -45 && y[i] < 45);
        }
        assertEquals(0, Arrays.stream(y).average().orElseThrow(), 1.5);
        double[] cls = d.column("class");
        assertEquals(10, Arrays.stream(cls).distinct().count());
        assertEquals(d.hash(), BuiltinDatasets.load("fashion-rotation").hash(), "loading is deterministic");
    }
}
