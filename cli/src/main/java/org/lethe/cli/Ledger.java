package org.lethe.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The erasure ledger: an append-only JSON-lines file with one record per {@code unlearn} or
 * {@code experiment}, chained by SHA-256 hashes so that {@code lethe ledger verify} finds an edited,
 * deleted, inserted or reordered record (see docs/ledger.md).
 *
 * <p>A record is one line: a compact JSON object, ASCII only (other characters are written as
 * {@code \\uXXXX} escapes), ending in a newline. Its first fields are {@code format}
 * ({@value #FORMAT}) and {@code seq} (1, 2, 3, ...), its last two {@code prev_sha256} and
 * {@code sha256}, and in between the content the command gives (request id, time, forget definition,
 * hash of the forgotten rows, methods, configuration, model hashes, metrics).
 *
 * <p>The hashes are defined on the bytes of the line, so that no canonical re-serialisation is needed
 * to check them and any tool can:
 * <ul>
 *   <li>{@code sha256} is the lower-case hex SHA-256 of the line's <em>body</em>: the line without its
 *       newline and with its final {@code ,"sha256":"<64 hex>"}} replaced by {@code }}, that is, the
 *       record as it was before its own hash was added;</li>
 *   <li>{@code prev_sha256} is the previous record's {@code sha256}, or 64 zeros for the first record
 *       (since a record's {@code sha256} covers its {@code prev_sha256}, each record commits to every
 *       record before it).</li>
 * </ul>
 *
 * <p>Verification reads every line and reports the first problem in file order, naming its line and
 * seq: a line that is not a record (bad JSON, missing fields), an incomplete last line, an edited
 * record (its hash does not match its bytes), or a broken link, which it classifies from the whole
 * file as deleted (a gap in seq whose records are nowhere), reordered (a record whose predecessor is
 * elsewhere in the file), inserted (a record that does not chain to any record, or a second record
 * with a seq already present) or edited and re-hashed (the next record's {@code prev_sha256} no longer
 * matches). A chain alone cannot catch someone who rewrites every record consistently, or who removes
 * records from the end: for that, keep the head hash that verify prints somewhere else and check it
 * later with {@code --expect-head}.
 *
 * <p>Appends lock the file (so that concurrent runs take turns), re-verify it under the lock (an
 * append to a broken chain is refused, so tampering is never papered over), then write the whole line
 * with one write to a channel opened in append mode and force it to disk.
 */
final class Ledger {
    /** The value of every record's {@code format} field. */
    static final String FORMAT = "lethe-ledger-1";
    /** The {@code prev_sha256} of the first record. */
    static final String GENESIS = "0".repeat(64);
    /** The environment variable that sets the default ledger file. */
    static final String ENV = "LETHE_LEDGER";
    /** Where the ledger is when neither {@code --ledger} nor {@value #ENV} says. */
    static final Path DEFAULT = Path.of("runs", "ledger.jsonl");

    private static final ObjectMapper WRITER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final ObjectMapper READER = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TAIL = Pattern.compile(",\"sha256\":\"([0-9a-f]{64})\"}$");
    private static final String[] RESERVED = {"format", "seq", "prev_sha256", "sha256"};
    /** File locks are per process: threads of one process take turns here first. */
    private static final Object APPENDING = new Object();

    private Ledger() {
    }

    /** The ledger file: {@code option} if given, else {@value #ENV}, else {@code runs/ledger.jsonl}. */
    static Path resolve(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT;
    }

    /** What went wrong with a ledger. */
    enum Kind {
        /** The last line has no newline: the file was cut or a write was interrupted. */
        TRUNCATED("truncated"),
        /** A line that is not a ledger record: bad JSON, not UTF-8, or missing or malformed fields. */
        MALFORMED("bad line"),
        /** A record whose bytes no longer match its hash, or that was changed and re-hashed. */
        EDITED("edited"),
        /** Records missing from the middle of the chain. */
        DELETED("deleted"),
        /** A record that is not part of the chain. */
        INSERTED("inserted"),
        /** Records of the chain out of order. */
        REORDERED("reordered");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** The first problem found: its kind, the line (1-based) and seq (null when unreadable) it is in, and why. */
    record Problem(Kind kind, int line, Long seq, String detail) {
        /** One line: {@code line 3 (seq 3): edited: ...}. */
        String describe() {
            return "line " + line + (seq != null ? " (seq " + seq + ")" : "") + ": " + kind.word + ": " + detail;
        }
    }

    /** One record as read: its line, seq, hashes, whether its bytes match its hash, and the parsed object. */
    record Entry(int line, long seq, String prev, String sha256, boolean hashMatches, JsonNode json) {
    }

    /** The result of verifying: the records read, the head hash (of the last record, or genesis) and the first problem or null. */
    record Verification(List<Entry> entries, String head, Problem problem) {
        boolean ok() {
            return problem == null;
        }

        int records() {
            return entries.size();
        }
    }

    /** A ledger that does not verify, or that cannot be appended to: reported in one line, exit status 1. */
    static final class LedgerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LedgerException(String message) {
            super(message);
        }
    }

    /** Verifies the ledger file; a missing file is a {@link NoSuchFileException}. */
    static Verification verify(Path file) throws IOException {
        return verify(Files.readAllBytes(file));
    }

    /** Verifies ledger bytes. */
    static Verification verify(byte[] bytes) {
        List<Object> lines = split(bytes);
        List<Entry> entries = new ArrayList<>();
        for (Object o : lines) {
            if (o instanceof Entry e) {
                entries.add(e);
            }
        }
        String head = entries.isEmpty() ? GENESIS : entries.get(entries.size() - 1).sha256();
        return new Verification(List.copyOf(entries), head, chain(lines, entries));
    }

    /** Splits into lines and reads each: an {@link Entry} or a {@link Problem} per line. */
    private static List<Object> split(byte[] bytes) {
        List<Object> out = new ArrayList<>();
        int start = 0;
        int line = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            byte[] b = Arrays.copyOfRange(bytes, start, end);
            if (end == bytes.length) {
                out.add(new Problem(Kind.TRUNCATED, line, seqOf(b),
                        "the last line does not end with a newline: the file was cut short or a write was interrupted"));
            } else {
                out.add(read(b, line));
            }
            start = end + 1;
            line++;
        }
        return out;
    }

    /** The seq of a (possibly damaged) line, if it can be read; for messages only. */
    private static Long seqOf(byte[] b) {
        try {
            JsonNode n = READER.readTree(b);
            return n != null && n.path("seq").isIntegralNumber() ? n.get("seq").asLong() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Object read(byte[] b, int line) {
        if (b.length == 0) {
            return new Problem(Kind.MALFORMED, line, null, "empty line");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return new Problem(Kind.MALFORMED, line, null, "not UTF-8 text");
        }
        JsonNode n;
        try {
            n = READER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Problem(Kind.MALFORMED, line, null, "not valid JSON (" + oneLine(e.getOriginalMessage()) + ")");
        }
        if (n == null || !n.isObject()) {
            return new Problem(Kind.MALFORMED, line, null, "not a JSON object");
        }
        Long seq = n.path("seq").isIntegralNumber() && n.get("seq").canConvertToLong() ? n.get("seq").asLong() : null;
        if (!FORMAT.equals(n.path("format").asText(null))) {
            return new Problem(Kind.MALFORMED, line, seq, "not a ledger record (no \"format\": \"" + FORMAT + "\")");
        }
        if (seq == null || seq < 1) {
            return new Problem(Kind.MALFORMED, line, null, "\"seq\" is not a positive integer");
        }
        for (String f : new String[] {"prev_sha256", "sha256"}) {
            if (!n.path(f).isTextual() || !HEX.matcher(n.get(f).asText()).matches()) {
                return new Problem(Kind.MALFORMED, line, seq, "\"" + f + "\" is not 64 lower-case hex digits");
            }
        }
        if (text.endsWith("\r")) {
            return new Problem(Kind.MALFORMED, line, seq, "the line ends with a carriage return (the file was converted to"
                    + " CRLF line endings)");
        }
        var m = TAIL.matcher(text);
        if (!m.find() || !m.group(1).equals(n.get("sha256").asText())) {
            return new Problem(Kind.MALFORMED, line, seq, "the record does not end with its \"sha256\" field");
        }
        String body = text.substring(0, m.start()) + "}";
        String sha = sha256(body.getBytes(StandardCharsets.UTF_8));
        return new Entry(line, seq, n.get("prev_sha256").asText(), m.group(1), sha.equals(m.group(1)), n);
    }

    /** Walks the lines in file order: the first unreadable line, edited record or broken link (classified), or null. */
    private static Problem chain(List<Object> lines, List<Entry> all) {
        long prevSeq = 0;
        String prevHash = GENESIS;
        Entry previous = null;
        for (Object o : lines) {
            if (o instanceof Problem p) {
                return p;
            }
            Entry e = (Entry) o;
            if (!e.hashMatches()) {
                return new Problem(Kind.EDITED, e.line(), e.seq(), "its content does not match its sha256");
            }
            if (e.seq() == prevSeq + 1 && e.prev().equals(prevHash)) {
                prevSeq = e.seq();
                prevHash = e.sha256();
                previous = e;
                continue;
            }
            return classify(e, previous, all);
        }
        return null;
    }

    /** Why {@code e} does not follow {@code previous} (null: the start), judged from every record in the file. */
    private static Problem classify(Entry e, Entry previous, List<Entry> all) {
        long prevSeq = previous == null ? 0 : previous.seq();
        String after = previous == null ? "the start of the ledger" : "line " + previous.line() + " (seq " + prevSeq + ")";
        for (Entry x : all) {
            if (x != e && x.sha256().equals(e.sha256())) {
                return new Problem(Kind.INSERTED, e.line(), e.seq(), "it is a copy of line " + x.line());
            }
        }
        List<Entry> sameSeq = all.stream().filter(x -> x.seq() == e.seq()).toList();
        if (sameSeq.size() > 1) {
            // A deletion or a reordering cannot repeat a seq: one of these was inserted. The genuine one is
            // the one the chain continues from.
            List<Entry> continued = sameSeq.stream().filter(x -> all.stream().anyMatch(y -> y.prev().equals(x.sha256())))
                    .toList();
            String lineList = String.join(", ", sameSeq.stream().map(x -> Integer.toString(x.line())).toList());
            if (continued.size() == 1) {
                Entry genuine = continued.get(0);
                Entry inserted = sameSeq.stream().filter(x -> x != genuine).findFirst().orElseThrow();
                return new Problem(Kind.INSERTED, inserted.line(), inserted.seq(), "seq " + e.seq()
                        + " is also at line " + genuine.line() + ", and the chain continues from that one");
            }
            return new Problem(Kind.INSERTED, e.line(), e.seq(), "seq " + e.seq() + " appears at lines " + lineList
                    + "; all but one were inserted");
        }
        if (e.seq() > prevSeq + 1) {
            Entry missingLater = all.stream().filter(x -> x.line() > e.line() && x.seq() > prevSeq && x.seq() < e.seq())
                    .findFirst().orElse(null);
            if (missingLater == null) {
                String gap = e.seq() == prevSeq + 2 ? "record seq " + (prevSeq + 1) + " is missing"
                        : "records seq " + (prevSeq + 1) + " to " + (e.seq() - 1) + " are missing";
                return new Problem(Kind.DELETED, e.line(), e.seq(), "it follows " + after + "; " + gap);
            }
            if (belongs(e, all)) {
                return new Problem(Kind.REORDERED, e.line(), e.seq(), "it follows " + after + ", but seq "
                        + missingLater.seq() + " comes later, at line " + missingLater.line());
            }
            return new Problem(Kind.INSERTED, e.line(), e.seq(), "it follows " + after
                    + " and does not chain to any record of the ledger");
        }
        if (e.seq() <= prevSeq) {
            if (belongs(e, all)) {
                return new Problem(Kind.REORDERED, e.line(), e.seq(), "it comes after " + after);
            }
            return new Problem(Kind.INSERTED, e.line(), e.seq(), "it follows " + after
                    + " and does not chain to any record of the ledger");
        }
        // Right seq, wrong prev_sha256: the previous record was changed and re-hashed, or this one was forged.
        if (previous == null) {
            return new Problem(Kind.EDITED, e.line(), e.seq(), "the first record's prev_sha256 is not 64 zeros");
        }
        boolean continued = all.stream().anyMatch(y -> y.prev().equals(e.sha256()));
        if (continued) {
            return new Problem(Kind.EDITED, previous.line(), previous.seq(), "it was changed and its sha256 recomputed: line "
                    + e.line() + " (seq " + e.seq() + ") refers to a different record before it");
        }
        return new Problem(Kind.EDITED, e.line(), e.seq(), "its prev_sha256 does not match " + after
                + ": that record was changed and re-hashed, or this one was forged");
    }

    /** Whether the record that should precede {@code e} (seq - 1 with e's prev_sha256) is in the file. */
    private static boolean belongs(Entry e, List<Entry> all) {
        if (e.seq() == 1) {
            return e.prev().equals(GENESIS);
        }
        return all.stream().anyMatch(x -> x != e && x.seq() == e.seq() - 1 && x.sha256().equals(e.prev()));
    }

    /**
     * Refuses early, before a long run, when the ledger exists and does not verify; a missing ledger is
     * fine (the first append creates it).
     */
    static void checkAppendable(Path file) {
        if (!Files.exists(file)) {
            for (Path a = file.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
                if (Files.exists(a)) {
                    if (!Files.isDirectory(a)) {
                        throw new UserError("ledger " + file + " cannot be created: " + a + " is not a folder");
                    }
                    break;
                }
            }
            return;
        }
        if (Files.isDirectory(file)) {
            throw new UserError("ledger " + file + " is a folder; give a file with --ledger");
        }
        Verification v;
        try {
            v = verify(file);
        } catch (IOException e) {
            throw new LedgerException("cannot read the ledger " + file + ": " + e.getMessage());
        }
        if (!v.ok()) {
            throw refused(file, v.problem());
        }
    }

    private static LedgerException refused(Path file, Problem p) {
        return new LedgerException("the ledger " + file + " does not verify (" + p.describe() + "); nothing is appended"
                + " to a broken chain: run 'lethe ledger verify " + file + "'");
    }

    /**
     * Appends one record with {@code content} (everything but {@code format}, {@code seq},
     * {@code prev_sha256} and {@code sha256}) and returns it as written. The ledger is locked, verified
     * again, and the line written with one write in append mode and forced to disk.
     */
    static Entry append(Path file, Map<String, ?> content) {
        for (String k : RESERVED) {
            if (content.containsKey(k)) {
                throw new IllegalArgumentException("a ledger record's content cannot set '" + k + "'");
            }
        }
        synchronized (APPENDING) {
            return appendLocked(file, content);
        }
    }

    private static Entry appendLocked(Path file, Map<String, ?> content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            boolean created = !Files.exists(file);
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND); FileLock lock = ch.lock()) {
                Verification v = verify(file);
                if (!v.ok()) {
                    throw refused(file, v.problem());
                }
                long seq = v.records() + 1L;
                if (!v.entries().isEmpty()) {
                    seq = v.entries().get(v.records() - 1).seq() + 1;
                }
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("format", FORMAT);
                record.put("seq", seq);
                record.putAll(canonical(content));
                record.put("prev_sha256", v.head());
                String body = WRITER.writeValueAsString(record);
                String sha = sha256(body.getBytes(StandardCharsets.UTF_8));
                String line = body.substring(0, body.length() - 1) + ",\"sha256\":\"" + sha + "\"}\n";
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
                if (created && parent != null) {
                    forceFolder(parent);
                }
                return new Entry(v.records() + 1, seq, v.head(), sha, true, READER.readTree(line));
            }
        } catch (IOException e) {
            throw new LedgerException("cannot append to the ledger " + file + ": " + e.getMessage());
        }
    }

    /** Makes a new file's name durable (Linux allows forcing a folder; elsewhere this is skipped). */
    private static void forceFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    /**
     * JSON-ready values with a fixed order: non-finite numbers become null (as in results.json), arrays
     * become lists, and maps without an order of their own (such as {@code Map.of}) are sorted by key.
     */
    static Object canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = m instanceof LinkedHashMap<?, ?> || m instanceof SortedMap<?, ?>
                    ? new LinkedHashMap<>() : new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), canonical(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(canonical(x));
            }
            return out;
        }
        return Json.clean(v) instanceof List<?> l ? canonical(l) : Json.clean(v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> canonical(Map<String, ?> content) {
        return (Map<String, Object>) canonical((Object) content);
    }

    /** Lower-case hex SHA-256 of bytes. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    static String sha256(Path file) {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new LedgerException("cannot hash " + file + " for the ledger: " + e.getMessage());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The hash of a set of row ids: SHA-256 of the ids sorted ascending, in decimal, separated by commas. */
    static String rowsSha256(int[] rows) {
        int[] sorted = rows.clone();
        Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sorted.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(sorted[i]);
        }
        return sha256(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The time now as ISO-8601 UTC, to the millisecond. */
    static String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').trim();
    }
}
