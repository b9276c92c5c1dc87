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
 * {@code --config file.json}: every value is checked when the file is read, with a one-line
 * {@link UserError} naming the file and the key (most cases are bugs the fuzz target found: values
 * accepted that would fail, loop or crash later in the run).
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

    @Test
    void valuesOutOfRangeAreRefused() throws Exception {
        assertEquals("config.json: 'original.batch_size' must be at least 1, got 0", rejected("{\"original\": {\"batch_size\": 0}}"));
        assertEquals("config.json: 'finetune.batch_size' must be at least 1, got -3", rejected("{\"finetune\": {\"batch_size\": -3}}"));
        assertEquals("config.json: 'gaussian.learning_rate' must be greater than 0, got 0.0",
                rejected("{\"gaussian\": {\"learning_rate\": 0.0}}"));
        assertEquals("config.json: 'original.epochs' must be at least 1, got 0", rejected("{\"original\": {\"epochs\": 0}}"));
        assertEquals("config.json: 'original.epochs' must be a whole number", rejected("{\"original\": {\"epochs\": 2.5}}"));
        assertEquals("config.json: 'original.epochs' must be a whole number", rejected("{\"original\": {\"epochs\": 1e10}}"));
        assertEquals("config.json: 'blindspot.beta' must be a number", rejected("{\"blindspot\": {\"beta\": \"50\"}}"));
        assertEquals("config.json: 'blindspot.beta' must be a number", rejected("{\"blindspot\": {\"beta\": 1e400}}"));
        assertEquals("config.json: 'ain.max_epochs' must be at least 1, got 0", rejected("{\"ain\": {\"max_epochs\": 0}}"));
        assertEquals("config.json: 'validation_fraction' 0.5 and 'test_fraction' 0.5 leave no rows to train on (their sum "
                + "must be below 1)", rejected("{\"validation_fraction\": 0.5, \"test_fraction\": 0.5}"));
        assertEquals("config.json: 'test_fraction' must be at least 0, got -0.1", rejected("{\"test_fraction\": -0.1}"));
    }

    @Test
    void valuesOfTheWrongTypeAreRefusedNotGuessed() throws Exception {
        // These were read as 0, false or an empty list.
        assertEquals("config.json: 'seeds' must be a non-empty list of whole numbers, has '\"x\"'",
                rejected("{\"seeds\": [\"x\"]}"));
        assertEquals("config.json: 'seeds' must be a non-empty list of whole numbers", rejected("{\"seeds\": []}"));
        assertEquals("config.json: 'seeds' must be a non-empty list of whole numbers", rejected("{\"seeds\": 3}"));
        assertEquals("config.json: 'methods' must be a list of method names", rejected("{\"methods\": \"finetune\"}"));
        assertEquals("config.json: 'methods' has 'magic'; known: finetune, gaussian, blindspot",
                rejected("{\"methods\": [\"magic\"]}"));
        assertEquals("config.json: 'methods' names finetune twice", rejected("{\"methods\": [\"finetune\", \"finetune\"]}"));
        assertEquals("config.json: 'original.keep_best' must be true or false", rejected("{\"original\": {\"keep_best\": \"yes\"}}"));
        assertEquals("config.json: 'split_seed' must be a whole number", rejected("{\"split_seed\": 1.5}"));
        assertEquals("config.json: 'ain' must be \"off\" or an object", rejected("{\"ain\": 5}"));
        assertEquals("config.json: 'forget' must be a string", rejected("{\"forget\": 5}"));
    }

    @Test
    void theModelIsBuiltOnceToCheckIt() throws Exception {
        assertEquals("config.json: 'model' cannot be built: model spec mlp: hyperparameter 'hidden' must be a whole number, "
                + "got x", rejected("{\"model\": {\"hyperparameters\": {\"hidden\": [\"x\"]}}}"));
        assertEquals("config.json: 'model' cannot be built: Linear: sizes must be positive, got 8 -> 0",
                rejected("{\"model\": {\"hyperparameters\": {\"hidden\": [0]}}}"));
        String huge = rejected("{\"model\": {\"hyperparameters\": {\"hidden\": [20000, 20000]}}}");
        assertTrue(huge.startsWith("config.json: 'model' cannot be built: the model needs more than "), huge);
        assertTrue(huge.contains("MiB of heap can train"), huge);
        assertEquals("config.json: unknown key 'model.hyperparameters.width' for mlp; known: dropout, hidden, inputs",
                rejected("{\"model\": {\"hyperparameters\": {\"width\": 3}}}"));
        assertEquals("config.json: 'model.architecture' is 'gpt'; known: mlp, allcnn, resnet18, smallcnn, lstm, char, siamese",
                rejected("{\"model\": {\"architecture\": \"gpt\"}}"));
        assertEquals("config.json: 'model.architecture' must be a string", rejected("{\"model\": {\"architecture\": 5}}"));
        assertTrue(rejected("{\"model\": {\"architecture\": \"lstm\"}}")
                .startsWith("config.json: 'model.architecture' cannot be used here: model lstm needs sequences"));
    }

    @Test
    void theFileItselfIsChecked() throws Exception {
        assertEquals("config.json: unknown key 'seed'; known: ain, blindspot, dataset, finetune, forget, gaussian, loss, "
                + "methods, model, original, seeds, split_seed, target, test_fraction, validation_fraction",
                rejected("{\"seed\": 1}"));
        assertEquals("config.json: unknown key 'a\\nb'; known: ain, blindspot, dataset, finetune, forget, gaussian, loss, "
                + "methods, model, original, seeds, split_seed, target, test_fraction, validation_fraction",
                rejected("{\"a\\nb\": 1}"));
        assertTrue(rejected("{\"seeds\": [1], \"seeds\": [2]}").startsWith("config.json: not valid JSON at line 1"));
        assertTrue(rejected("[" .repeat(3000)).startsWith("config.json: not valid JSON"));
        assertEquals("config.json: the configuration must be a JSON object", rejected("[]"));
        assertEquals("config.json: the configuration must be a JSON object", rejected(""));
        assertEquals("config.json: 'forget' is not a forget definition: forget 'sometimes': not understood; use e.g. "
                + "'target < 20', 'class in {0, 6}', 'random:0.1' or 'ids:4,17'", rejected("{\"forget\": \"sometimes\"}"));
        assertEquals("config.json: 'loss': unknown loss 'l3'; use l1, mse or huber", rejected("{\"loss\": \"l3\"}"));
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
    void aCheckpointsNumbersAreCheckedWhenItsRunIsRebuilt() throws Exception {
        Path p = dir.resolve("m.safetensors");
        Checkpoint.save(p, new Mlp(8, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", Map.of(), "v",
                Map.of("lethe.dataset", "concrete", "lethe.split_seed", "soon")));
        Checkpoint.Loaded l = Checkpoint.load(p);
        // Was a NumberFormatException ("For input string: ...").
        assertEquals("the checkpoint's lethe.split_seed is not a number: 'soon'",
                assertThrows(UserError.class, () -> Protocol.fromCheckpoint(l, null, null)).getMessage());
        Checkpoint.save(p, new Mlp(8, new int[] {2}, 0, new Rng(1)), new Checkpoint.Info(Map.of(), 1, "", Map.of(), "v",
                Map.of("lethe.dataset", "concrete", "lethe.test_fraction", "0.95")));
        assertEquals("the checkpoint's lethe.validation_fraction 0.1 and lethe.test_fraction 0.95 leave no rows to train on",
                assertThrows(UserError.class, () -> Protocol.fromCheckpoint(Checkpoint.load(p), null, null)).getMessage());
    }
}
