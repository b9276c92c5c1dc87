package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.models.Mlp;
import org.lethe.models.io.Checkpoint;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.ExperimentConfig;

/**
 * {@code --config file.json}: the file itself (size, encoding, repeated keys) and the model's size are
 * checked when it is read, with a one-line {@link UserError} naming the file (cases the fuzz target
 * found); each value's own check is in the bad-input catalogue (ErrorCatalogueTest).
 */
class ConfigFileTest {
    private static final ExperimentConfig BASE = Defaults.forDataset("concrete", null, 8);

    @TempDir
    Path dir;

    private ExperimentConfig applied(String json) throws Exception {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return ConfigFile.read(p).apply(BASE);
    }

    private String rejected(String json) throws Exception {
        Path p = dir.resolve("config.json");
        Files.write(p, json.getBytes(StandardCharsets.UTF_8));
        String m = assertThrows(UserError.class, () -> ConfigFile.read(p).apply(BASE)).getMessage();
        assertTrue(m.startsWith("config.json: "), m);
        assertEquals(-1, m.indexOf('\n'), m);
        return m;
    }

    @Test
    void aFullConfigurationApplies() throws Exception {
        ExperimentConfig c = applied("{\"model\": {\"hyperparameters\": {\"hidden\": [16, 8]}}, \"forget\": \"random:0.1\","
                + " \"methods\": [\"blindspot\"], \"seeds\": [4, 5], \"split_seed\": 9, \"validation_fraction\": 0.2,"
                + " \"test_fraction\": 0.3, \"original\": {\"epochs\": 7.0, \"keep_best\": false}, \"ain\": \"off\","
                + " \"blindspot\": {\"beta\": 0}}");
        assertEquals(List.of(16, 8), c.model().hyperparameters().get("hidden"));
        assertEquals("random:0.1", c.forget());
        assertEquals(List.of("blindspot"), c.methods());
        assertEquals(List.of(4L, 5L), c.seeds());
        assertEquals(9, c.splitSeed());
        assertEquals(7, c.original().epochs());
        assertFalse(c.original().keepBest());
        assertFalse(c.computeAin());
        assertEquals(0, c.blindspot().beta());
    }

    /**
     * results.json's {@code config} is a configuration: for every built-in data set's protocol, with
     * every method and with the AIN on and off, writing {@code describe()} to a file and applying it to
     * the data set's defaults gives the same configuration back; and a whole results.json is read as
     * its {@code config}. A changed recorded setting (the plateau's patience) is applied, not ignored.
     */
    @Test
    void aRunsOwnConfigurationRepeatsIt() throws Exception {
        for (org.lethe.models.data.BuiltinDatasets.Info info : org.lethe.models.data.BuiltinDatasets.list()) {
            for (boolean ain : new boolean[] {true, false}) {
                ExperimentConfig c = Protocol.defaults(info.name(), null).withMethods(
                        org.lethe.unlearning.experiment.Methods.ALL).withAin(ain).withSeeds(List.of(3L, 4L));
                Path p = dir.resolve(info.name() + ain + ".json");
                Files.writeString(p, Json.MAPPER.writeValueAsString(c.describe()));
                ExperimentConfig back = ConfigFile.read(p).apply(Protocol.defaults(info.name(), null));
                assertEquals(Json.MAPPER.writeValueAsString(c.describe()), Json.MAPPER.writeValueAsString(back.describe()),
                        info.name());
                Path results = dir.resolve(info.name() + ain + "-results.json");
                Files.writeString(results, Json.MAPPER.writeValueAsString(Map.of("format", "lethe-results-1", "config",
                        c.describe(), "runs", List.of())));
                assertEquals(c.describe(), ConfigFile.read(results).apply(Protocol.defaults(info.name(), null)).describe());
            }
        }
        ExperimentConfig c = applied("{\"original\": {\"optimizer\": \"adam\", \"loss\": \"" + BASE.loss().name().toLowerCase(java.util.Locale.ROOT)
                + "\", \"seed\": 12, "
                + "\"plateau\": {\"mode\": \"min\", \"patience\": 3, \"threshold_mode\": \"abs\"}}}");
        assertEquals(3, c.original().plateau().patience());
        assertEquals(org.lethe.engine.optim.ReduceLROnPlateau.ThresholdMode.ABS, c.original().plateau().thresholdMode());
        org.junit.jupiter.api.Assertions.assertNull(applied("{\"original\": {\"plateau\": \"none\"}}").original().plateau());
    }

    @Test
    void aModelTooLargeForTheHeapIsRefusedBeforeItIsBuilt() throws Exception {
        String huge = rejected("{\"model\": {\"hyperparameters\": {\"hidden\": [20000, 20000]}}}");
        assertTrue(huge.startsWith("config.json: 'model': the model needs more than "), huge);
        assertTrue(huge.contains("MiB of heap can train"), huge);
    }

    @Test
    void theFileItselfIsChecked() throws Exception {
        assertTrue(rejected("{\"seeds\": [1], \"seeds\": [2]}").startsWith("config.json: not valid JSON at line 1"));
        assertTrue(rejected("[".repeat(3000)).startsWith("config.json: not valid JSON"));
        assertEquals("config.json: the configuration must be a JSON object", rejected("[]"));
        assertEquals("config.json: the configuration must be a JSON object", rejected(""));
        assertTrue(rejected("{\"a\\nb\": 1}").startsWith("config.json: unknown key 'a\\nb'; known: "));
        Path p = dir.resolve("bin.json");
        Files.write(p, new byte[] {'{', (byte) 0xff, '}'});
        assertEquals("bin.json: not UTF-8 text", assertThrows(UserError.class, () -> ConfigFile.read(p)).getMessage());
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[ConfigFile.MAX_BYTES + 1]);
        assertEquals("big.json: 1048577 bytes; a configuration has at most 1048576",
                assertThrows(UserError.class, () -> ConfigFile.read(big)).getMessage());
        assertEquals("dir: not a regular file", assertThrows(UserError.class,
                () -> ConfigFile.read(Files.createDirectory(dir.resolve("dir")))).getMessage());
        assertEquals("none.json: no such file", assertThrows(UserError.class,
                () -> ConfigFile.read(dir.resolve("none.json"))).getMessage());
    }

    @Test
    void aCheckpointsFractionsAreCheckedWhenItsRunIsRebuilt() throws Exception {
        Path p = dir.resolve("m.safetensors");
        Checkpoint.save(p, new Mlp(8, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", Map.of(), "v",
                Map.of("lethe.dataset", "concrete", "lethe.test_fraction", "0.95")));
        assertEquals("the checkpoint's lethe.validation_fraction 0.1 and lethe.test_fraction 0.95 leave no rows to train on",
                assertThrows(UserError.class, () -> Protocol.fromCheckpoint(p, Checkpoint.load(p), null, null)).getMessage());
    }
}
