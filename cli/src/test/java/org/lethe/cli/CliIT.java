package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the shaded jar that ./lethe runs, started as a separate process on tiny settings. Every
 * subcommand, the files of a run folder and their schema, the report's charts, and the exit codes and
 * messages for bad usage and bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    @TempDir
    static Path dir;
    private static Path run;

    record Result(int exit, String out, String err) {
    }

    static Result lethe(String... args) throws IOException, InterruptedException {
        return lethe(java.util.Map.of(), args);
    }

    static Result lethe(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        return lethe(env, List.of(), args);
    }

    /** With extra JVM options (such as {@code -Dlethe.threads=1}) before {@code -jar}. */
    static Result lethe(java.util.Map<String, String> env, List<String> jvm, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", Path.of("target", "lethe.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("LETHE_LEDGER");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("lethe " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void usage(String expected, String... args) throws Exception {
        Result r = lethe(args);
        assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @BeforeAll
    static void experiment() throws Exception {
        run = dir.resolve("run");
        Result r = lethe("experiment", "--dataset", "concrete", "--seeds", "1,2", "--epochs", "4", "--out", run.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("retrain (target)"), r.out());
    }

    @Test
    @Order(1)
    void helpAndDatasets() throws Exception {
        Result help = lethe("--help");
        assertEquals(0, help.exit());
        for (String sub : new String[] {"datasets", "train", "unlearn", "evaluate", "predict", "experiment", "ledger"}) {
            assertTrue(help.out().contains(sub), sub);
            Result h = lethe(sub, "--help");
            assertEquals(0, h.exit(), sub);
            assertTrue(h.out().startsWith("Usage: lethe " + sub), h.out());
        }
        Result d = lethe("datasets");
        assertEquals(0, d.exit());
        for (String name : new String[] {"concrete", "fashion-rotation", "vader", "taylor"}) {
            assertTrue(d.out().contains(name), name);
        }
        assertTrue(d.out().contains("target < 20"));
    }

    @Test
    @Order(2)
    void theRunFolderHoldsEveryFile() throws Exception {
        for (String f : new String[] {"results.json", "results.csv", "runs.csv", "manifest.json", "report.html"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        try (var s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2 * 5, s.count(), "original, retrain and three methods for two seeds");
        }
        JsonNode r = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        assertEquals("lethe-results-1", r.get("format").asText());
        assertTrue(r.get("dataset").get("hash").asText().startsWith("sha256:"));
        for (String m : new String[] {"original", "retrain", "finetune", "gaussian", "blindspot"}) {
            JsonNode metrics = r.get("methods").get(m);
            for (String k : new String[] {"retain_test_mae", "forget_test_mae", "w1_to_retrain", "mia_forget", "ain", "seconds",
                "mia_forget_scaled", "lt_auc", "lt_tpr_at_1pct_fpr", "lt_tpr_at_0_1pct_fpr", "lt_forget_flagged_at_1pct_fpr"}) {
                JsonNode v = metrics.get(k);
                assertTrue(v != null && v.has("mean") && v.has("sd") && v.get("n").asInt() >= 1, m + " " + k);
            }
        }
        assertEquals(0.0, r.get("methods").get("retrain").get("w1_to_retrain").get("mean").asDouble(), 0.0);
        assertEquals(10, r.get("runs").size());
        assertEquals("{\"shadow\":[],\"shadow_models\":16}", r.get("config").get("audits").toString(), "no shadow audits by default");
        JsonNode roc = r.get("runs").get(0).get("details").get("lt_roc");
        assertEquals(roc.get("fpr").size(), roc.get("tpr").size());
        assertFalse(r.get("methods").get("original").has("lira_auc"));
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
        for (String k : new String[] {"config", "seeds", "data_hashes", "code_version", "java_version", "backend", "command"}) {
            assertTrue(manifest.has(k), "manifest " + k);
        }
        String csv = Files.readString(run.resolve("results.csv"));
        assertTrue(csv.startsWith("method,metric,mean,sd,n\n"));
        assertTrue(csv.contains("blindspot,forget_test_mae,"));
    }

    /** A run repeated from its own results.json (--config takes it whole) gives the same numbers. */
    @Test
    @Order(2)
    void aRunRepeatsFromItsOwnResults() throws Exception {
        Path again = dir.resolve("again");
        Result r = lethe("experiment", "--config", run.resolve("results.json").toString(), "--out", again.toString(),
                "--ledger", dir.resolve("again-ledger.jsonl").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode a = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        JsonNode b = new ObjectMapper().readTree(again.resolve("results.json").toFile());
        assertEquals(a.get("config"), b.get("config"));
        assertEquals(a.get("dataset"), b.get("dataset"));
        assertEquals(a.get("runs").size(), b.get("runs").size());
        for (int i = 0; i < a.get("runs").size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode ma = (com.fasterxml.jackson.databind.node.ObjectNode) a.get("runs").get(i).get("metrics").deepCopy();
            com.fasterxml.jackson.databind.node.ObjectNode mb = (com.fasterxml.jackson.databind.node.ObjectNode) b.get("runs").get(i).get("metrics").deepCopy();
            for (String timed : new String[] {"seconds", "speedup"}) {
                ma.remove(timed);
                mb.remove(timed);
            }
            assertEquals(ma, mb, a.get("runs").get(i).get("method") + " seed " + a.get("runs").get(i).get("seed"));
        }
    }

    @Test
    @Order(3)
    void theReportReferencesEveryChart() throws Exception {
        String html = Files.readString(run.resolve("report.html"));
        for (String chart : Report.CHARTS) {
            Path png = run.resolve("charts").resolve(chart);
            assertTrue(Files.size(png) > 1000, chart);
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
            assertEquals("\u0089PNG", new String(head, StandardCharsets.ISO_8859_1), chart + " is a PNG");
            assertTrue(html.contains("data-file=\"charts/" + chart + "\""), chart + " is embedded");
            assertTrue(html.contains("href=\"charts/" + chart + "\""), chart + " is linked");
        }
        assertTrue(html.contains("retrain (target)"));
    }

    @Test
    @Order(4)
    void trainUnlearnEvaluatePredict() throws Exception {
        Path o = dir.resolve("original.safetensors");
        Path r = dir.resolve("retrain.safetensors");
        Path u = dir.resolve("unlearned.safetensors");
        Path p = dir.resolve("predictions.csv");
        assertEquals(0, lethe("train", "--dataset", "concrete", "--epochs", "3", "--out", o.toString()).exit());
        assertEquals(0, lethe("train", "--dataset", "concrete", "--epochs", "3", "--exclude-forget", "--out", r.toString()).exit());
        Result un = lethe("unlearn", "--model", o.toString(), "--method", "gaussian", "--out", u.toString());
        assertEquals(0, un.exit(), un.err());
        assertTrue(un.out().contains("forget test MAE"), un.out());
        Result ev = lethe("evaluate", "--retrain", r.toString(), o.toString(), u.toString(), "--out", dir.resolve("eval.json").toString());
        assertEquals(0, ev.exit(), ev.err());
        assertTrue(ev.out().contains("unlearned.safetensors"), ev.out());
        assertTrue(Files.exists(dir.resolve("eval.json")));
        JsonNode evaluated = new ObjectMapper().readTree(dir.resolve("eval.json").toFile()).get("models").get("unlearned.safetensors");
        for (String k : new String[] {"mia_forget", "mia_forget_scaled", "lt_auc", "lt_tpr_at_1pct_fpr",
            "lt_forget_flagged_at_1pct_fpr"}) {
            assertTrue(evaluated.get(k).isNumber(), "evaluate writes " + k);
        }
        assertEquals(0, lethe("predict", "--model", u.toString(), "--dataset", "concrete", "--out", p.toString()).exit());
        List<String> lines = Files.readAllLines(p);
        assertEquals(1031, lines.size());
        assertEquals("row,prediction,compressive_strength", lines.get(0));
        usage("already exists", "unlearn", "--model", o.toString(), "--out", u.toString());
    }

    @Test
    @Order(5)
    void theSameSeedGivesByteIdenticalCheckpointsWhateverTheThreadCount() throws Exception {
        // Another process, another thread count (1, or 2 where the default is 1): the same bytes as
        // the training above (docs/determinism.md). A second unlearn (recorded in another ledger, so
        // that the default one keeps its two records) repeats the first one's bytes.
        Path o = dir.resolve("original.safetensors");
        Path again = dir.resolve("original-again.safetensors");
        String threads = "-Dlethe.threads=" + (Runtime.getRuntime().availableProcessors() > 1 ? 1 : 2);
        Result t = lethe(java.util.Map.of(), List.of(threads), "train", "--dataset", "concrete", "--epochs", "3", "--out",
                again.toString());
        assertEquals(0, t.exit(), t.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(o), Files.readAllBytes(again)), "train with " + threads);
        Path u2 = dir.resolve("unlearned-again.safetensors");
        Result un = lethe(java.util.Map.of("LETHE_LEDGER", "determinism.jsonl"), List.of(threads), "unlearn", "--model",
                o.toString(), "--method", "gaussian", "--out", u2.toString());
        assertEquals(0, un.exit(), un.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("unlearned.safetensors")), Files.readAllBytes(u2)),
                "unlearn with " + threads);
    }

    @Test
    @Order(6)
    void badUsageAndBadInputExitWithTwoAndOneLine() throws Exception {
        usage("Unknown option: '--bogus'", "experiment", "--bogus");
        usage("unknown data set 'nope'; built-in: concrete, fashion-rotation, vader, taylor", "experiment", "--dataset", "nope");
        usage("--data needs --target COLUMN", "experiment", "--data", "x.csv");
        usage("forget 'target < -100' selects no training rows", "experiment", "--dataset", "concrete", "--forget",
                "target < -100", "--out", dir.resolve("never").toString());
        assertFalse(Files.exists(dir.resolve("never")), "nothing is written for bad input");
        usage("unknown method 'magic'", "experiment", "--methods", "magic");
        usage("already exists and is not empty", "experiment", "--dataset", "concrete", "--out", run.toString());
        usage("nothing.safetensors does not exist", "unlearn", "--model", "nothing.safetensors", "--out", "x.safetensors");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,y\n1,2,3\n4,,6\n");
        usage("bad.csv: line 3, column 'b': missing value", "experiment", "--data", bad.toString(), "--target", "y");
        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {1, 2, 3});
        usage("corrupt.safetensors is 3 bytes, too short", "predict", "--model", corrupt.toString(), "--dataset", "concrete",
                "--out", dir.resolve("p2.csv").toString());
        usage("the model expects inputs [8], data set vader has [20]", "predict", "--model",
                run.resolve("checkpoints/original-seed1.safetensors").toString(), "--dataset", "vader", "--out",
                dir.resolve("p3.csv").toString());
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{\"dataset\": \"concrete\", \"epochz\": 3}");
        usage("config.json: unknown key 'epochz'", "experiment", "--config", cfg.toString());
        usage("--epochs must be at least 1", "experiment", "--epochs", "0");
        usage("--device must be auto, cpu or cuda", "experiment", "--device", "tpu");
    }

    @Test
    @Order(7)
    void deviceCudaWithoutAGpuExitsWithOneLine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.lethe.kernels.Backends.providers().stream()
                .anyMatch(p -> p.name().equals("cuda") && p.probe().available()), "a GPU is present");
        usage("--device cuda: no usable GPU: ", "train", "--dataset", "concrete", "--epochs", "1", "--device", "cuda");
        Result r = lethe("train", "--dataset", "concrete", "--epochs", "1", "--device", "auto", "--out",
                dir.resolve("auto-model.safetensors").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("lethe: --device auto: cpu ("), r.err());
        assertTrue(r.err().contains("; no GPU: "), r.err());
    }

    @Test
    @Order(8)
    void experimentAndUnlearnAreRecordedInTheDefaultLedger() throws Exception {
        // The runs above (working folder dir) append to runs/ledger.jsonl: the experiment, then the
        // unlearn; the failed commands append nothing.
        Path ledger = dir.resolve("runs").resolve("ledger.jsonl");
        List<String> lines = Files.readAllLines(ledger);
        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode experiment = new ObjectMapper().readTree(lines.get(0));
        JsonNode unlearn = new ObjectMapper().readTree(lines.get(1));
        assertEquals("experiment", experiment.get("command").asText());
        assertEquals(10, experiment.get("model_before_sha256").size() + experiment.get("model_after_sha256").size());
        assertEquals("unlearn", unlearn.get("command").asText());
        assertEquals("[\"gaussian\"]", unlearn.get("methods").toString());
        assertEquals(experiment.get("sha256").asText(), unlearn.get("prev_sha256").asText());
        Result ok = lethe("ledger", "verify");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("runs/ledger.jsonl: 2 records, the chain is intact"), ok.out());
        assertTrue(ok.out().contains("head " + unlearn.get("sha256").asText()), ok.out());
        Files.writeString(dir.resolve("cut.jsonl"), lines.get(1) + "\n");
        Result cut = lethe(java.util.Map.of("LETHE_LEDGER", "cut.jsonl"), "ledger", "verify");
        assertEquals(1, cut.exit(), cut.err());
        assertTrue(cut.err().contains("cut.jsonl: line 1 (seq 2): deleted"), cut.err());
        assertFalse(cut.err().contains("\tat "), cut.err());
        usage("missing.jsonl does not exist", "ledger", "verify", "missing.jsonl");
    }

    @Test
    @Order(8)
    void auditsEndToEnd() throws Exception {
        usage("--audits: unknown audit 'magic'; known: lira, ulira, neurips, all or none", "experiment", "--audits", "magic");
        usage("--shadow-models: must be an even number of at least 4, got 3", "experiment", "--audits", "lira",
                "--shadow-models", "3");
        Path audited = dir.resolve("audited");
        Path ledger = dir.resolve("audits-ledger.jsonl");
        Result r = lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "4", "--no-ain", "--methods",
                "gaussian", "--audits", "all", "--shadow-models", "4", "--ledger", ledger.toString(), "--out", audited.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("audits lira, ulira, neurips with 4 shadow models per seed"), r.err());
        assertTrue(r.out().contains("U-LiRA acc") && r.out().contains("NeurIPS F"), r.out());
        JsonNode j = new ObjectMapper().readTree(audited.resolve("results.json").toFile());
        assertEquals("{\"shadow\":[\"lira\",\"ulira\",\"neurips\"],\"shadow_models\":4}", j.get("config").get("audits").toString());
        for (String m : new String[] {"original", "retrain", "gaussian"}) {
            for (String k : new String[] {"lira_auc", "lira_tpr_at_1pct_fpr", "lira_tpr_at_0_1pct_fpr", "ulira_accuracy",
                "ulira_auc", "neurips_forgetting_quality", "neurips_utility", "neurips_score"}) {
                JsonNode v = j.get("methods").get(m).get(k);
                assertTrue(v != null && v.get("n").asInt() == 1, m + " " + k);
            }
        }
        String html = Files.readString(audited.resolve("report.html"));
        assertTrue(html.contains("<h2>Privacy audits</h2>") && html.contains("U-LiRA accuracy"), "audits table");
        assertTrue(html.contains("data-file=\"charts/lira-roc.png\"") && Files.size(audited.resolve("charts/lira-roc.png")) > 1000);
        // the audits of results.json's config, given back with --config, repeat the run
        Path again = dir.resolve("again.json");
        Files.writeString(again, "{\"audits\": " + j.get("config").get("audits") + "}");
        Path rerun = dir.resolve("audited-again");
        Result r2 = lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "4", "--no-ain", "--methods",
                "gaussian", "--config", again.toString(), "--ledger", ledger.toString(), "--out", rerun.toString());
        assertEquals(0, r2.exit(), r2.err());
        JsonNode j2 = new ObjectMapper().readTree(rerun.resolve("results.json").toFile());
        assertEquals(j.get("methods").toString().replaceAll("\"seconds\":\\{[^}]*}|\"speedup\":\\{[^}]*}", ""),
                j2.get("methods").toString().replaceAll("\"seconds\":\\{[^}]*}|\"speedup\":\\{[^}]*}", ""),
                "the same results but for wall time");
    }
}
