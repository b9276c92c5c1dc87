package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's format, its chain, and the tampering that verification finds and names. */
class LedgerTest {
    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void fiveRecords() {
        file = dir.resolve("ledger.jsonl");
        for (int i = 1; i <= 5; i++) {
            Ledger.append(file, content("request-" + i, "target < " + (10 * i)));
        }
    }

    private static Map<String, Object> content(String request, String forget) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("request_id", request);
        c.put("time", "2025-01-01T00:00:00Z");
        c.put("command", "unlearn");
        c.put("forget", forget);
        c.put("forget_rows", 3);
        c.put("forget_rows_sha256", Ledger.rowsSha256(new int[] {17, 4, 9}));
        c.put("methods", List.of("blindspot"));
        c.put("config", Map.of("seed", 1, "epochs", 4, "rate", 0.01));
        c.put("model_before_sha256", Map.of("a.safetensors", "ab".repeat(32)));
        c.put("model_after_sha256", Map.of("b.safetensors", "cd".repeat(32)));
        c.put("metrics", Map.of("retain_test_mae", 3.9, "forget_test_mae", Double.NaN));
        return c;
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private Ledger.Problem problem() throws Exception {
        Ledger.Verification v = Ledger.verify(file);
        assertFalse(v.ok(), "expected a problem");
        return v.problem();
    }

    private static void assertProblem(Ledger.Problem p, Ledger.Kind kind, int line, Long seq) {
        assertEquals(kind, p.kind(), p.describe());
        assertEquals(line, p.line(), p.describe());
        assertEquals(seq, p.seq(), p.describe());
    }

    /** The hash rule, written out independently of Ledger: SHA-256 of the line without its sha256 field. */
    private static String bodyHash(String line) throws Exception {
        int at = line.lastIndexOf(",\"sha256\":\"");
        String body = line.substring(0, at) + "}";
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A line with its own sha256 recomputed, as someone who knows the format would forge it. */
    private static String rehash(String line) throws Exception {
        int at = line.lastIndexOf(",\"sha256\":\"");
        return line.substring(0, at) + ",\"sha256\":\"" + bodyHash(line) + "\"}";
    }

    private static JsonNode json(String line) throws Exception {
        return new ObjectMapper().readTree(line);
    }

    @Test
    void appendsChainRecordsByHashAndSeq() throws Exception {
        Ledger.Verification v = Ledger.verify(file);
        assertTrue(v.ok(), () -> v.problem().describe());
        assertEquals(5, v.records());
        String prev = Ledger.GENESIS;
        List<String> lines = lines();
        for (int i = 0; i < 5; i++) {
            String line = lines.get(i);
            JsonNode n = json(line);
            assertEquals(Ledger.FORMAT, n.get("format").asText());
            assertEquals(i + 1, n.get("seq").asInt());
            assertEquals(prev, n.get("prev_sha256").asText(), "each record points to the one before it");
            assertEquals(bodyHash(line), n.get("sha256").asText(), "sha256 is the hash of the record without it");
            assertTrue(line.startsWith("{\"format\":\"lethe-ledger-1\",\"seq\":" + (i + 1) + ","), line);
            assertTrue(line.matches("[\\x20-\\x7e]+"), "one line of printable ASCII: " + line);
            assertEquals("request-" + (i + 1), n.get("request_id").asText());
            assertTrue(n.get("metrics").get("forget_test_mae").isNull(), "NaN is written as null");
            assertEquals("epochs", n.get("config").fieldNames().next(), "maps without an order of their own are sorted");
            prev = n.get("sha256").asText();
        }
        assertEquals(prev, v.head());
        assertTrue(Files.readString(file).endsWith("}\n"));
    }

    @Test
    void emptyAndNewLedgers() throws Exception {
        Ledger.Verification v = Ledger.verify(new byte[0]);
        assertTrue(v.ok());
        assertEquals(0, v.records());
        assertEquals(Ledger.GENESIS, v.head());
        Path fresh = dir.resolve("sub/folder/new.jsonl");
        Ledger.checkAppendable(fresh);
        Ledger.Entry e = Ledger.append(fresh, content("r", "ids:1"));
        assertEquals(1, e.seq());
        assertEquals(Ledger.GENESIS, e.prev());
        assertTrue(Ledger.verify(fresh).ok());
    }

    @Test
    void nonAsciiIsEscapedAndReadBack() throws Exception {
        Ledger.Entry e = Ledger.append(file, content("Anfrage-ü-✓", "größe < 3"));
        String last = lines().get(5);
        assertTrue(last.contains("\\u00FC") || last.contains("\\u00fc"), last);
        assertEquals("größe < 3", json(last).get("forget").asText());
        assertEquals(6, e.seq());
        assertTrue(Ledger.verify(file).ok());
    }

    @Test
    void contentCannotSetTheChainFields() {
        for (String k : new String[] {"seq", "sha256", "prev_sha256", "format"}) {
            assertThrows(IllegalArgumentException.class, () -> Ledger.append(file, Map.of(k, 1)), k);
        }
    }

    @Test
    void rowHashIsOfTheSortedIds() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("4,9,17".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(expected, Ledger.rowsSha256(new int[] {17, 4, 9}));
        assertEquals(expected, Ledger.rowsSha256(new int[] {4, 9, 17}));
    }

    // Edited

    @Test
    void anEditedRecordIsNamed() throws Exception {
        List<String> l = lines();
        l.set(2, l.get(2).replace("target < 30", "target < 31"));
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.EDITED, 3, 3L);
        assertEquals("line 3 (seq 3): edited: its content does not match its sha256", p.describe());
    }

    @Test
    void anEditedSeqIsAnEdit() throws Exception {
        List<String> l = lines();
        l.set(3, l.get(3).replace("\"seq\":4,", "\"seq\":40,"));
        write(l);
        assertProblem(problem(), Ledger.Kind.EDITED, 4, 40L);
    }

    @Test
    void anEditedAndRehashedRecordIsFoundByTheNextOne() throws Exception {
        List<String> l = lines();
        l.set(1, rehash(l.get(1).replace("target < 20", "target < 21")));
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.EDITED, 2, 2L);
        assertTrue(p.detail().contains("sha256 recomputed"), p.describe());
    }

    @Test
    void anEditedAndRehashedLastRecordIsCaughtOnlyByTheHead() throws Exception {
        String head = Ledger.verify(file).head();
        List<String> l = lines();
        l.set(4, rehash(l.get(4).replace("target < 50", "target < 51")));
        write(l);
        Ledger.Verification v = Ledger.verify(file);
        assertTrue(v.ok(), "a chain alone cannot see this");
        assertFalse(v.head().equals(head), "but the head differs (verify --expect-head)");
    }

    // Deleted

    @Test
    void aDeletedRecordIsNamed() throws Exception {
        List<String> l = lines();
        l.remove(2);
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.DELETED, 3, 4L);
        assertEquals("line 3 (seq 4): deleted: it follows line 2 (seq 2); record seq 3 is missing", p.describe());
    }

    @Test
    void deletedRecordsAtTheStartAndSeveralInARow() throws Exception {
        List<String> l = lines();
        l.remove(0);
        write(l);
        assertEquals("line 1 (seq 2): deleted: it follows the start of the ledger; record seq 1 is missing",
                problem().describe());
        fiveRecordsAgain();
        l = lines();
        l.subList(1, 4).clear();
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.DELETED, 2, 5L);
        assertTrue(p.detail().contains("records seq 2 to 4 are missing"), p.describe());
    }

    private void fiveRecordsAgain() throws Exception {
        Files.delete(file);
        fiveRecords();
    }

    // Inserted

    @Test
    void aCopiedRecordIsAnInsertion() throws Exception {
        List<String> l = lines();
        l.add(3, l.get(0));
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.INSERTED, 4, 1L);
        assertEquals("line 4 (seq 1): inserted: it is a copy of line 1", p.describe());
    }

    @Test
    void aForgedRecordWithAValidHashAndLinkIsAnInsertion() throws Exception {
        // Someone who knows the format forges seq 3 after seq 2 and puts it before the real seq 3.
        List<String> l = lines();
        Path other = dir.resolve("other.jsonl");
        Files.writeString(other, l.get(0) + "\n" + l.get(1) + "\n");
        Ledger.append(other, content("forged", "target < 99"));
        String forged = Files.readAllLines(other).get(2);
        l.add(2, forged);
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.INSERTED, 3, 3L);
        assertTrue(p.detail().contains("also at line 4, and the chain continues from that one"), p.describe());
    }

    @Test
    void aRecordThatChainsToNothingIsAnInsertion() throws Exception {
        List<String> l = lines();
        String odd = rehash(l.get(2).replace("\"seq\":3,", "\"seq\":77,"));
        l.add(2, odd);
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.INSERTED, 3, 77L);
        assertTrue(p.detail().contains("does not chain to any record"), p.describe());
    }

    // Reordered

    @Test
    void swappedRecordsAreReordered() throws Exception {
        List<String> l = lines();
        String two = l.get(1);
        l.set(1, l.get(2));
        l.set(2, two);
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.REORDERED, 2, 3L);
        assertEquals("line 2 (seq 3): reordered: it follows line 1 (seq 1), but seq 2 comes later, at line 3", p.describe());
    }

    @Test
    void recordsMovedFarOrToTheEndAreReordered() throws Exception {
        List<String> l = lines();
        l.add(l.remove(0)); // 2 3 4 5 1
        write(l);
        assertProblem(problem(), Ledger.Kind.REORDERED, 1, 2L);
        fiveRecordsAgain();
        l = lines();
        String five = l.remove(4);
        l.add(3, five); // 1 2 3 5 4
        write(l);
        assertProblem(problem(), Ledger.Kind.REORDERED, 4, 5L);
        fiveRecordsAgain();
        l = lines();
        l.add(1, l.remove(4)); // 1 5 2 3 4
        write(l);
        assertProblem(problem(), Ledger.Kind.REORDERED, 2, 5L);
    }

    // Truncated and bad lines

    @Test
    void aTruncatedLastLineIsNamed() throws Exception {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 40));
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.TRUNCATED, 5, null);
        assertTrue(p.describe().startsWith("line 5: truncated: the last line does not end with a newline"), p.describe());
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 1)); // only the newline is gone
        assertProblem(problem(), Ledger.Kind.TRUNCATED, 5, 5L);
    }

    @Test
    void badLinesAreNamed() throws Exception {
        List<String> l = lines();
        l.set(1, "{\"format\":\"lethe-ledger-1\",\"seq\":2,");
        write(l);
        Ledger.Problem p = problem();
        assertProblem(p, Ledger.Kind.MALFORMED, 2, null);
        assertTrue(p.describe().startsWith("line 2: bad line: not valid JSON"), p.describe());
        fiveRecordsAgain();
        l = lines();
        l.add(2, "");
        write(l);
        assertEquals("line 3: bad line: empty line", problem().describe());
        fiveRecordsAgain();
        l = lines();
        l.set(3, "[1, 2]");
        write(l);
        assertEquals("line 4: bad line: not a JSON object", problem().describe());
        fiveRecordsAgain();
        l = lines();
        l.set(0, l.get(0).replace("\"format\":\"lethe-ledger-1\"", "\"format\":\"other\""));
        write(l);
        assertProblem(problem(), Ledger.Kind.MALFORMED, 1, 1L);
        fiveRecordsAgain();
        l = lines();
        l.set(4, l.get(4) + " ");
        write(l);
        assertProblem(problem(), Ledger.Kind.MALFORMED, 5, 5L);
        fiveRecordsAgain();
        Files.writeString(file, Files.readString(file).replace("\n", "\r\n"));
        assertTrue(problem().describe().startsWith("line 1 (seq 1): bad line: the line ends with a carriage return"));
        fiveRecordsAgain();
        byte[] b = Files.readAllBytes(file);
        b[10] = (byte) 0xff;
        Files.write(file, b);
        assertEquals("line 1: bad line: not UTF-8 text", problem().describe());
    }

    @Test
    void theFirstProblemInFileOrderIsReported() throws Exception {
        List<String> l = lines();
        l.set(3, "garbage");
        l.set(1, l.get(1).replace("request-2", "request-X"));
        write(l);
        assertProblem(problem(), Ledger.Kind.EDITED, 2, 2L);
    }

    // Appends to a broken ledger

    @Test
    void appendingToABrokenLedgerIsRefusedAndChangesNothing() throws Exception {
        List<String> l = lines();
        l.remove(1);
        write(l);
        byte[] before = Files.readAllBytes(file);
        Ledger.LedgerException e = assertThrows(Ledger.LedgerException.class, () -> Ledger.checkAppendable(file));
        assertTrue(e.getMessage().contains("line 2 (seq 3): deleted"), e.getMessage());
        e = assertThrows(Ledger.LedgerException.class, () -> Ledger.append(file, content("r", "ids:1")));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        Files.write(file, java.util.Arrays.copyOf(before, before.length - 1));
        assertThrows(Ledger.LedgerException.class, () -> Ledger.append(file, content("r", "ids:1")));
    }

    @Test
    void concurrentAppendsTakeTurns() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        Ledger.append(file, content("thread-" + id + "-" + i, "ids:" + i));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        Ledger.Verification v = Ledger.verify(file);
        assertTrue(v.ok(), () -> v.problem().describe());
        assertEquals(25, v.records());
    }

    @Test
    void resolveUsesTheOptionFirst() {
        Path p = Path.of("x.jsonl");
        assertEquals(p, Ledger.resolve(p));
        assertNotNull(Ledger.resolve(null));
        assertNull(Ledger.verify(new byte[0]).problem());
    }
}
