package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.unlearning.experiment.Methods;

/**
 * The methods beyond the paper through the command line, in process: {@code --methods all} runs them
 * all into results.json (every metric, their settings in config, their details), results.csv, the
 * report and checkpoints; a configuration file sets them by name; {@code lethe unlearn --method} runs
 * one and records its settings in the ledger.
 */
class BeyondPaperCliTest {
    @TempDir
    static Path dir;

    private static JsonNode json(Path p) throws Exception {
        return Json.MAPPER.readTree(Files.readString(p));
    }

    @Test
    void methodsAllRunsEveryMethodIntoTheResultsAndTheReport() throws Exception {
        Path run = dir.resolve("all");
        LedgerCliTest.Result r = LedgerCliTest.lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "5",
                "--methods", "all", "--no-ain", "--out", run.toString(), "--ledger", dir.resolve("ledger.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode results = json(run.resolve("results.json"));
        List<String> names = new ArrayList<>();
        results.get("methods").fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>(List.of("original", "retrain"));
        expected.addAll(Methods.ALL);
        assertEquals(expected, names);
        JsonNode paper = results.get("methods").get("blindspot");
        for (String m : Methods.BEYOND) {
            JsonNode metrics = results.get("methods").get(m);
            paper.fieldNames().forEachRemaining(k -> assertTrue(metrics.has(k), m + " has " + k));
            assertTrue(results.get("config").get(m).isObject(), m + "'s settings in config");
            assertTrue(Files.exists(run.resolve("checkpoints/" + m + "-seed1.safetensors")), m + "'s checkpoint");
        }
        assertEquals(0.99, results.get("config").get("neggrad").get("beta").asDouble());
        for (JsonNode run1 : results.get("runs")) {
            if (run1.get("method").asText().equals("neggrad")) {
                assertTrue(run1.get("details").has("guard_stopped"), run1.toString());
            }
        }
        String csv = Files.readString(run.resolve("results.csv"));
        String html = Files.readString(run.resolve("report.html"));
        for (String m : Methods.BEYOND) {
            assertTrue(csv.contains("\n" + m + ",forget_test_mae,"), m + " in results.csv");
            assertTrue(html.contains("<tr><td>" + m + "</td>"), m + " in the report's table");
            assertTrue(r.out().contains("\n" + m + " "), m + " in the printed table");
        }
    }

    @Test
    void aConfigurationFileSetsTheMethodsByName() throws Exception {
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(cfg, "{\"methods\": [\"neggrad\", \"euk\"], \"neggrad\": {\"beta\": 0.95}, \"euk\": {\"layers\": 1,"
                + " \"epochs\": 2}}");
        Path run = dir.resolve("cfg-run");
        LedgerCliTest.Result r = LedgerCliTest.lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "2",
                "--no-ain", "--config", cfg.toString(), "--out", run.toString(), "--ledger", dir.resolve("l2.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode results = json(run.resolve("results.json"));
        assertEquals(0.95, results.get("config").get("neggrad").get("beta").asDouble());
        assertEquals(1, results.get("config").get("euk").get("layers").asInt());
        assertTrue(!results.get("config").has("salun"), "only the methods that ran describe their settings");
        for (JsonNode run1 : results.get("runs")) {
            if (run1.get("method").asText().equals("euk")) {
                assertEquals("[\"layers.4\"]", run1.get("details").get("trained_layers").toString());
                assertEquals(2 * 3, run1.get("metrics").get("steps").asInt(), "2 epochs of 3 retain batches");
            }
        }
    }

    @Test
    void ssdLfssdAndFisherTakeTheirSettingsFromAConfigurationFileAndReportTheirDetails() throws Exception {
        Path cfg = dir.resolve("ssd.json");
        Files.writeString(cfg, "{\"methods\": [\"ssd\", \"lfssd\", \"fisher\"], \"ssd\": {\"lambda\": 0.5},"
                + " \"lfssd\": {\"batch_size\": 32}, \"fisher\": {\"samples\": 100, \"alpha\": 1e-5}}");
        Path run = dir.resolve("ssd-run");
        LedgerCliTest.Result r = LedgerCliTest.lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "2",
                "--no-ain", "--config", cfg.toString(), "--out", run.toString(), "--ledger", dir.resolve("l4.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode results = json(run.resolve("results.json"));
        assertEquals(0.5, results.get("config").get("ssd").get("lambda").asDouble());
        assertEquals(10.0, results.get("config").get("ssd").get("alpha").asDouble());
        assertEquals(32, results.get("config").get("lfssd").get("batch_size").asInt());
        assertEquals(1.0, results.get("config").get("lfssd").get("lambda").asDouble(), "lfssd's own settings");
        assertEquals(100, results.get("config").get("fisher").get("samples").asInt());
        assertEquals(1e-5, results.get("config").get("fisher").get("alpha").asDouble());
        int seen = 0;
        for (JsonNode run1 : results.get("runs")) {
            String m = run1.get("method").asText();
            if (m.equals("ssd") || m.equals("lfssd")) {
                assertTrue(run1.get("details").has("dampened_parameters") && run1.get("details").has("parameters"), run1.toString());
                seen++;
            } else if (m.equals("fisher")) {
                assertEquals(100, run1.get("details").get("fisher_rows").asInt(), run1.toString());
                assertTrue(run1.get("details").has("clamped_parameters"));
                seen++;
            }
            if (seen > 0 && !m.equals("original") && !m.equals("retrain")) {
                assertEquals(0, run1.get("metrics").get("steps").asInt(), m + " trains no step");
            }
        }
        assertEquals(3, seen);
    }

    @Test
    void sisaTakesItsSettingsFromAConfigurationFileAndSavesAnEnsembleThatLoads() throws Exception {
        Path cfg = dir.resolve("sisa.json");
        Files.writeString(cfg, "{\"methods\": [\"sisa\"], \"sisa\": {\"shards\": 3, \"slices\": 2, \"aggregation\":"
                + " \"median\", \"epochs\": 4, \"requests\": 2}}");
        Path run = dir.resolve("sisa-run");
        LedgerCliTest.Result r = LedgerCliTest.lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "2",
                "--no-ain", "--config", cfg.toString(), "--out", run.toString(), "--ledger", dir.resolve("l5.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode results = json(run.resolve("results.json"));
        JsonNode settings = results.get("config").get("sisa");
        assertEquals(3, settings.get("shards").asInt());
        assertEquals("median", settings.get("aggregation").asText());
        assertEquals(0.01, settings.get("learning_rate").asDouble(), "the original's rate by default");
        for (JsonNode run1 : results.get("runs")) {
            if (run1.get("method").asText().equals("sisa")) {
                JsonNode d = run1.get("details");
                assertEquals(2, d.get("requests").asInt(), d.toString());
                assertEquals(6, d.get("stages_trained_initially").asInt());
                assertTrue(d.get("training_steps").asLong() > 0 && d.get("stages_retrained").isArray(), d.toString());
            }
        }
        org.lethe.models.io.Checkpoint.Loaded l = org.lethe.models.io.Checkpoint.load(
                run.resolve("checkpoints/sisa-seed1.safetensors"));
        assertEquals("ensemble", l.model().spec().architecture());
        assertEquals(3, ((org.lethe.models.Ensemble) l.model()).size());
        // lethe unlearn --method sisa from a checkpoint writes an ensemble checkpoint.
        LedgerCliTest.Result e = LedgerCliTest.lethe("unlearn", "--model", run.resolve("checkpoints/original-seed1.safetensors")
                .toString(), "--method", "sisa", "--out", dir.resolve("sisa.safetensors").toString(), "--ledger",
                dir.resolve("l6.jsonl").toString());
        assertEquals(0, e.exit(), e.out() + e.err());
        assertTrue(e.out().contains("\nsisa "), e.out());
        assertEquals("ensemble", org.lethe.models.io.Checkpoint.load(dir.resolve("sisa.safetensors")).model().spec()
                .architecture());
    }

    @Test
    void certifiedTakesItsModeFromAConfigurationFileAndReportsItsCertificate() throws Exception {
        Path cfg = dir.resolve("certified.json");
        Files.writeString(cfg, "{\"methods\": [\"certified\"], \"certified\": {\"mode\": \"sequential\", \"sigma\": 0.1}}");
        Path run = dir.resolve("certified-run");
        LedgerCliTest.Result r = LedgerCliTest.lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "2",
                "--no-ain", "--config", cfg.toString(), "--out", run.toString(), "--ledger", dir.resolve("l7.jsonl").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode results = json(run.resolve("results.json"));
        JsonNode settings = results.get("config").get("certified");
        assertEquals("sequential", settings.get("mode").asText());
        assertEquals(0.1, settings.get("sigma").asDouble());
        assertEquals(1e-3, settings.get("lambda").asDouble(), "the default λ");
        assertEquals(1e-4, settings.get("delta").asDouble());
        int seen = 0;
        for (JsonNode run1 : results.get("runs")) {
            if (run1.get("method").asText().equals("certified")) {
                JsonNode d = run1.get("details");
                assertEquals("sequential", d.get("mode").asText());
                assertEquals(d.get("forget_rows").asInt(), run1.get("metrics").get("steps").asInt(), "one downdate per row");
                assertTrue(d.get("gradient_residual").asDouble() < 1e-9 * d.get("gradient_residual_before").asDouble(), d.toString());
                assertEquals(0.0, d.get("residual_bound").asDouble());
                assertEquals(0.0, d.get("epsilon").asDouble());
                assertTrue(d.has("fit_seconds") && d.has("max_abs_diff_to_closed_form"), d.toString());
                seen++;
            }
        }
        assertEquals(1, seen);
        Path original = dir.resolve("certified-original.safetensors");
        assertEquals(0, LedgerCliTest.lethe("train", "--dataset", "concrete", "--epochs", "2", "--out", original.toString())
                .exit());
        Path ledger = dir.resolve("l8.jsonl");
        LedgerCliTest.Result u = LedgerCliTest.lethe("unlearn", "--model", original.toString(), "--method", "certified",
                "--out", dir.resolve("certified.safetensors").toString(), "--ledger", ledger.toString());
        assertEquals(0, u.exit(), u.out() + u.err());
        JsonNode rec = Json.MAPPER.readTree(Files.readAllLines(ledger).get(0));
        assertEquals("certified", rec.get("methods").get(0).asText());
        assertEquals("batch", rec.get("config").get("settings").get("mode").asText(), rec.toString());
    }

    @Test
    void unlearnRunsAMethodBeyondThePaperAndRecordsItsSettings() throws Exception {
        Path original = dir.resolve("original.safetensors");
        Path out = dir.resolve("salun.safetensors");
        Path ledger = dir.resolve("l3.jsonl");
        assertEquals(0, LedgerCliTest.lethe("train", "--dataset", "concrete", "--epochs", "2", "--out", original.toString())
                .exit());
        LedgerCliTest.Result r = LedgerCliTest.lethe("unlearn", "--model", original.toString(), "--method", "salun", "--out",
                out.toString(), "--ledger", ledger.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.exists(out));
        JsonNode rec = Json.MAPPER.readTree(Files.readAllLines(ledger).get(0));
        assertEquals("salun", rec.get("methods").get(0).asText());
        assertEquals(0.5, rec.get("config").get("settings").get("fraction").asDouble(), rec.toString());
    }
}
