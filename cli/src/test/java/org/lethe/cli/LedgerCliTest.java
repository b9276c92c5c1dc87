package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger through the command line, in process: {@code unlearn} and a tiny {@code experiment}
 * append records with the right fields, {@code lethe ledger verify} and {@code show} exit 0, 1 or 2,
 * and neither command appends to (or runs against) a ledger that does not verify.
 */
class LedgerCliTest {
    @TempDir
    static Path dir;
    private static Path ledger;
    private static Path original;
    private static Path unlearned;
    private static Path run;
    private static List<JsonNode> records;

    record Result(int exit, String out, String err) {
    }

    static synchronized Result lethe(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void expect(int exit, Result r, String text) {
        assertEquals(exit, r.exit(), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains(text), "expected '" + text + "' in: " + r.out() + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @BeforeAll
    static void unlearnAndExperiment() throws Exception {
        ledger = dir.resolve("audit/ledger.jsonl");
        original = dir.resolve("original.safetensors");
        unlearned = dir.resolve("unlearned.safetensors");
        run = dir.resolve("run");
        Result t = lethe("train", "--dataset", "concrete", "--epochs", "1", "--out", original.toString());
        assertEquals(0, t.exit(), t.err());
        assertFalse(Files.exists(ledger), "training forgets nothing and records nothing");
        Result u = lethe("unlearn", "--model", original.toString(), "--method", "gaussian", "--out", unlearned.toString(),
                "--ledger", ledger.toString(), "--request-id", "REQ-2025-001");
        expect(0, u, "recorded as seq 1 in the ledger");
        Result x = lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "1", "--methods", "gaussian",
                "--no-ain", "--out", run.toString(), "--ledger", ledger.toString());
        expect(0, x, "recorded as seq 2 in the ledger");
        records = new ArrayList<>();
        for (String line : Files.readAllLines(ledger)) {
            records.add(new ObjectMapper().readTree(line));
        }
        assertEquals(2, records.size());
    }

    private static void commonFields(JsonNode r, long seq, String command) {
        assertEquals(Ledger.FORMAT, r.get("format").asText());
        assertEquals(seq, r.get("seq").asLong());
        assertEquals(command, r.get("command").asText());
        assertTrue(r.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), r.get("time").asText());
        assertTrue(r.get("command_line").asText().startsWith("lethe " + command + " "));
        assertEquals("concrete", r.get("dataset").get("name").asText());
        assertTrue(r.get("dataset").get("hash").asText().startsWith("sha256:"));
        assertEquals("target < 20", r.get("forget").asText());
        assertEquals(136, r.get("forget_rows").asInt(), "the weak mixes (target < 20) among the training rows");
        assertTrue(r.get("forget_rows_sha256").asText().matches("[0-9a-f]{64}"));
        for (String k : new String[] {"request_id", "code_version", "methods", "config", "model_before_sha256",
            "model_after_sha256", "metrics", "prev_sha256", "sha256"}) {
            assertTrue(r.has(k), command + " record has " + k);
        }
    }

    @Test
    void unlearnAppendsARecord() throws Exception {
        JsonNode r = records.get(0);
        commonFields(r, 1, "unlearn");
        assertEquals("REQ-2025-001", r.get("request_id").asText());
        assertEquals(Ledger.GENESIS, r.get("prev_sha256").asText());
        assertEquals("[\"gaussian\"]", r.get("methods").toString());
        assertEquals("gaussian", r.get("config").get("method").asText());
        assertEquals(1, r.get("config").get("seed").asInt());
        assertTrue(r.get("config").get("settings").has("learning_rate"), r.get("config").toString());
        assertEquals(sha256(original), r.get("model_before_sha256").get(original.toString()).asText());
        assertEquals(sha256(unlearned), r.get("model_after_sha256").get(unlearned.toString()).asText());
        for (String m : new String[] {"original", "gaussian"}) {
            assertTrue(r.get("metrics").get(m).get("retain_test_mae").asDouble() > 0, m);
            assertTrue(r.get("metrics").get(m).get("forget_test_mae").asDouble() > 0, m);
        }
        assertTrue(r.get("metrics").get("gaussian").get("steps").asInt() > 0);
    }

    @Test
    void experimentAppendsARecordChainedToTheLast() throws Exception {
        JsonNode r = records.get(1);
        commonFields(r, 2, "experiment");
        assertTrue(r.get("request_id").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                "a random UUID by default");
        assertEquals(records.get(0).get("sha256").asText(), r.get("prev_sha256").asText());
        assertEquals(records.get(0).get("forget_rows_sha256").asText(), r.get("forget_rows_sha256").asText(),
                "the same request on the same split forgets the same rows");
        assertEquals("[\"gaussian\"]", r.get("methods").toString());
        assertEquals("concrete", r.get("config").get("dataset").asText());
        Path o = run.resolve("checkpoints/original-seed1.safetensors");
        assertEquals(1, r.get("model_before_sha256").size());
        assertEquals(sha256(o), r.get("model_before_sha256").get(o.toString()).asText());
        assertEquals(2, r.get("model_after_sha256").size(), "retrain and gaussian");
        for (String m : new String[] {"retrain", "gaussian"}) {
            Path p = run.resolve("checkpoints/" + m + "-seed1.safetensors");
            assertEquals(sha256(p), r.get("model_after_sha256").get(p.toString()).asText(), m);
        }
        for (String m : new String[] {"original", "retrain", "gaussian"}) {
            JsonNode s = r.get("metrics").get(m).get("forget_test_mae");
            assertEquals(1, s.get("n").asInt(), m);
            assertTrue(s.get("mean").asDouble() > 0, m);
        }
        assertEquals(run.toString(), r.get("run").asText());
    }

    @Test
    void verifyPrintsTheHeadAndChecksAnExpectedOne() {
        String head = records.get(1).get("sha256").asText();
        Result r = lethe("ledger", "verify", ledger.toString());
        expect(0, r, "2 records, the chain is intact (seq 1 to 2)");
        assertTrue(r.out().contains("head " + head), r.out());
        expect(0, lethe("ledger", "verify", ledger.toString(), "--expect-head", head), "seq 2 (line 2), the last record");
        expect(0, lethe("ledger", "verify", ledger.toString(), "--expect-head", records.get(0).get("sha256").asText()),
                "1 record was appended since");
        expect(1, lethe("ledger", "verify", ledger.toString(), "--expect-head", "ab".repeat(32)),
                "no record has the expected head");
        expect(2, lethe("ledger", "verify", ledger.toString(), "--expect-head", "xyz"), "--expect-head must be 64 hex digits");
        Result show = lethe("ledger", "show", ledger.toString());
        expect(0, show, "REQ-2025-001");
        assertTrue(show.out().contains("experiment"), show.out());
    }

    @Test
    void verifyFailsWithTheBrokenRecordAndRefusesMissingFiles() throws Exception {
        Path tampered = dir.resolve("tampered.jsonl");
        List<String> l = Files.readAllLines(ledger);
        Files.writeString(tampered, l.get(0).replace("REQ-2025-001", "REQ-2025-002") + "\n" + l.get(1) + "\n");
        Result r = lethe("ledger", "verify", tampered.toString());
        expect(1, r, "tampered.jsonl: line 1 (seq 1): edited: its content does not match its sha256");
        assertEquals(1, r.err().lines().filter(s -> !s.isBlank()).count(), "one line: " + r.err());
        expect(1, lethe("ledger", "show", tampered.toString()), "line 1 (seq 1): edited");
        Files.writeString(tampered, l.get(1) + "\n");
        expect(1, lethe("ledger", "verify", tampered.toString()), "line 1 (seq 2): deleted");
        Files.writeString(tampered, l.get(1) + "\n" + l.get(0) + "\n");
        expect(1, lethe("ledger", "verify", tampered.toString()), "line 1 (seq 2): reordered");
        Files.writeString(tampered, "");
        expect(0, lethe("ledger", "verify", tampered.toString()), "empty ledger (0 records)");
        expect(2, lethe("ledger", "verify", dir.resolve("nope.jsonl").toString()), "nope.jsonl does not exist");
        expect(2, lethe("ledger", "verify", dir.toString()), "is a folder");
        expect(2, lethe("ledger"), "Missing required subcommand");
    }

    @Test
    void unlearnAndExperimentRefuseABrokenLedgerAndWriteNothing() throws Exception {
        Path broken = dir.resolve("broken.jsonl");
        List<String> l = Files.readAllLines(ledger);
        Files.writeString(broken, l.get(0) + "\n" + l.get(1).substring(0, 50));
        byte[] before = Files.readAllBytes(broken);
        Path out = dir.resolve("never.safetensors");
        expect(1, lethe("unlearn", "--model", original.toString(), "--method", "gaussian", "--out", out.toString(),
                "--ledger", broken.toString()), "line 2: truncated");
        assertFalse(Files.exists(out), "nothing is unlearned against a broken ledger");
        Path never = dir.resolve("never-run");
        Result x = lethe("experiment", "--dataset", "concrete", "--seeds", "1", "--epochs", "1", "--out", never.toString(),
                "--ledger", broken.toString());
        expect(1, x, "does not verify");
        assertFalse(Files.exists(never));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(broken)), "the ledger is untouched");
        expect(2, lethe("unlearn", "--model", original.toString(), "--out", out.toString(), "--ledger", ledger.toString(),
                "--request-id", " "), "--request-id must not be empty");
        assertFalse(Files.exists(out));
    }
}
