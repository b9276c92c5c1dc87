package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.kernels.Backends;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.io.Checkpoint;
import org.lethe.unlearning.experiment.Experiment;

/**
 * The bad-input catalogue, docs/errors.md, checked entry by entry: each test runs the real command
 * line in process for the mistakes of the entries that name it, and checks the exit status, that
 * standard error is one line with no stack trace, that the line matches the entry's message (its
 * placeholders filled in), and that it names the file, line, key or option at fault. The catalogue
 * is read from the file, so a message that drifts from the documentation fails here; and each entry
 * must name tests that exist, and each test here must check exactly the entries that name it.
 */
class ErrorCatalogueTest {
    @TempDir
    static Path dir;
    private static Path original;
    private static Path ledger;
    private static Map<String, Entry> catalogue;

    private String test;
    private final Set<String> checked = new TreeSet<>();

    /** One row of the catalogue. */
    record Entry(String id, String area, String mistake, String message, Pattern pattern, int exit, List<String> tests) {
    }

    record Result(int exit, String out, String err) {
    }

    // ---------------------------------------------------------------- the catalogue file

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docs/errors.md")) && Files.exists(p.resolve("cli"))) {
                return p;
            }
        }
        throw new AssertionError("docs/errors.md not found above " + Path.of("").toAbsolutePath());
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z][a-z0-9-]*>");
    private static final Pattern TEST_REF = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([A-Za-z0-9_]+)`");

    /** The message with its placeholders as "any text" (possibly none), matched against a whole line. */
    static Pattern pattern(String message) {
        StringBuilder re = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(message);
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(message.substring(at, m.start()))).append(".*?");
            at = m.end();
        }
        re.append(Pattern.quote(message.substring(at)));
        return Pattern.compile(re.toString());
    }

    /** Reads every table row of docs/errors.md: | `id` | mistake | `message` | exit | `Test#method`, ... |. */
    static Map<String, Entry> read(Path file) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        String area = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.startsWith("## ")) {
                area = line.substring(3).trim();
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0)).split("(?<!\\\\)\\|", -1);
            String where = file.getFileName() + ":" + lineNo;
            assertEquals(5, cells.length, where + ": a row has 5 cells (id, mistake, message, exit, tests): " + line);
            String id = code(cells[0], where + " id");
            String message = code(cells[2], where + " message").replace("\\|", "|");
            int exit = Integer.parseInt(cells[3].trim());
            List<String> tests = new ArrayList<>();
            Matcher t = TEST_REF.matcher(cells[4]);
            while (t.find()) {
                tests.add(t.group(1) + "#" + t.group(2));
            }
            assertFalse(out.containsKey(id), where + ": the id " + id + " is used twice");
            out.put(id, new Entry(id, area, cells[1].trim(), message, pattern(message), exit, List.copyOf(tests)));
        }
        return out;
    }

    private static String code(String cell, String where) {
        String c = cell.trim();
        assertTrue(c.length() > 2 && c.startsWith("`") && c.endsWith("`"), where + " is in backticks: " + cell);
        return c.substring(1, c.length() - 1);
    }

    // ---------------------------------------------------------------- running the command line

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

    private Entry entry(String id) {
        Entry e = catalogue.get(id);
        assertNotNull(e, "docs/errors.md has no entry '" + id + "'");
        assertTrue(e.tests().contains("ErrorCatalogueTest#" + test), "docs/errors.md: entry '" + id
                + "' does not name ErrorCatalogueTest#" + test + " among its tests " + e.tests());
        checked.add(id);
        return e;
    }

    /**
     * Runs {@code args}, which must be the mistake of entry {@code id}: its exit status, one line on
     * standard error that matches its message and contains each of {@code names}.
     */
    private Result fails(String id, List<String> args, String... names) {
        return fails(id, false, args, names);
    }

    /**
     * As {@link #fails(String, List, String...)}, with {@code afterProgress}: a failure during a run,
     * whose message is the last line of standard error, after the run's progress lines.
     */
    private Result fails(String id, boolean afterProgress, List<String> args, String... names) {
        Entry e = entry(id);
        Result r = lethe(args.toArray(new String[0]));
        String all = "lethe " + String.join(" ", args) + "\nstdout: " + r.out() + "\nstderr: " + r.err();
        assertEquals(e.exit(), r.exit(), "exit status of " + id + ": " + all);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception") || r.err().contains("Caused by"),
                "no stack trace or exception name: " + all);
        List<String> lines = r.err().lines().filter(s -> !s.isBlank()).toList();
        if (afterProgress) {
            assertFalse(lines.isEmpty(), "a message on standard error: " + all);
        } else {
            assertEquals(1, lines.size(), "one line on standard error: " + all);
        }
        String line = lines.get(lines.size() - 1);
        assertTrue(e.pattern().matcher(line).matches(), id + ": the message\n  " + line + "\ndoes not match docs/errors.md's\n  "
                + e.message());
        for (String n : names) {
            assertTrue(line.contains(n), id + ": the message names '" + n + "': " + line);
        }
        return r;
    }

    private static List<String> args(String... a) {
        return List.of(a);
    }

    private static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A safetensors file: the 8-byte length, the header, the data. */
    private static byte[] safetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    private static String fresh(String name) {
        Path p = dir.resolve("fresh").resolve(name);
        assertFalse(Files.exists(p));
        return p.toString();
    }

    /**
     * An experiment that would be quick if it ran (the mistake must stop it first), into a new folder
     * and a ledger of its own unless {@code more} gives --out or --ledger.
     */
    private static List<String> experiment(String... more) {
        List<String> a = new ArrayList<>(List.of("experiment", "--seeds", "1", "--epochs", "1", "--methods", "gaussian",
                "--no-ain"));
        List<String> m = List.of(more);
        if (!m.contains("--out")) {
            a.addAll(List.of("--out", fresh("run-" + System.nanoTime())));
        }
        if (!m.contains("--ledger")) {
            a.addAll(List.of("--ledger", dir.resolve("experiment-ledger.jsonl").toString()));
        }
        a.addAll(m);
        return a;
    }

    private static List<String> config(String name, String json) throws IOException {
        return experiment("--config", write(name, json).toString());
    }

    private static Path checkpoint(String name, ModelSpec spec, Checkpoint.Info info) {
        Path p = dir.resolve(name);
        Checkpoint.save(p, Models.create(spec, new Rng(1)), info);
        return p;
    }

    private static ModelSpec concreteMlp() {
        return new ModelSpec("mlp", Map.of("inputs", 8, "hidden", List.of(64, 64), "dropout", 0.0));
    }

    private static Checkpoint.Info concreteInfo(Map<String, Object> normalisation, Map<String, String> extra) {
        return new Checkpoint.Info(Map.of(), 1, "", normalisation, null, extra);
    }

    @BeforeAll
    static void fixtures() throws Exception {
        catalogue = read(repositoryRoot().resolve("docs/errors.md"));
        // The logging handler binds standard error when it is created: create it before any capture.
        java.util.logging.Logger.getLogger("").getHandlers();
        original = dir.resolve("original.safetensors");
        Result t = lethe("train", "--dataset", "concrete", "--epochs", "1", "--out", original.toString());
        assertEquals(0, t.exit(), t.err());
        ledger = dir.resolve("ledger.jsonl");
        Ledger.append(ledger, Map.of("request_id", "r-1", "command", "test"));
        Ledger.append(ledger, Map.of("request_id", "r-2", "command", "test"));
    }

    @BeforeEach
    void name(TestInfo info) {
        test = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void everyEntryThatNamesThisTestWasChecked() {
        Set<String> named = catalogue.values().stream().filter(e -> e.tests().contains("ErrorCatalogueTest#" + test))
                .map(Entry::id).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(named, checked, "the entries of docs/errors.md that name ErrorCatalogueTest#" + test
                + " and the ones it checks");
    }

    // ---------------------------------------------------------------- the catalogue itself

    @Test
    void everyEntryIsCompleteAndNamesTestsThatExist() throws Exception {
        assertTrue(catalogue.size() >= 90, "the catalogue has " + catalogue.size() + " entries");
        Path root = repositoryRoot();
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java")).toList();
        }
        for (Entry e : catalogue.values()) {
            assertTrue(e.id().matches("[a-z0-9]+(-[a-z0-9]+)*"), "id " + e.id());
            assertNotNull(e.area(), e.id() + " is under a heading");
            assertFalse(e.mistake().isBlank(), e.id() + " says what the mistake is");
            assertTrue(e.message().startsWith("lethe: "), e.id() + ": messages start with 'lethe: '");
            assertTrue(Set.of(0, 1, 2).contains(e.exit()), e.id() + ": exit status " + e.exit());
            assertTrue(e.exit() == 1 ? e.area().equals("Failures") || e.area().equals("The erasure ledger") : true,
                    e.id() + ": exit 1 is for failures");
            assertFalse(e.tests().isEmpty(), e.id() + " names a test");
            assertEquals("ErrorCatalogueTest#" + camel(e.id()), e.tests().get(0),
                    e.id() + ": the first test is this class's, named after the id");
            for (String ref : e.tests()) {
                String cls = ref.substring(0, ref.indexOf('#'));
                String method = ref.substring(ref.indexOf('#') + 1);
                if (cls.equals("ErrorCatalogueTest")) {
                    Method m = ErrorCatalogueTest.class.getDeclaredMethod(method);
                    assertNotNull(m.getAnnotation(Test.class), ref + " is a test");
                    continue;
                }
                List<Path> found = sources.stream().filter(p -> p.getFileName().toString().equals(cls + ".java")).toList();
                assertEquals(1, found.size(), e.id() + ": one test class " + cls + " (found " + found + ")");
                String src = Files.readString(found.get(0));
                assertTrue(Pattern.compile("@Test\\s+(@[A-Za-z]+(\\([^)]*\\))?\\s+)*void " + method + "\\(").matcher(src).find(),
                        e.id() + ": " + ref + " is a test method in " + found.get(0));
            }
        }
    }

    @Test
    void everyTestHereIsNamedByAnEntry() {
        Set<String> named = catalogue.values().stream().flatMap(e -> e.tests().stream()).collect(Collectors.toSet());
        for (Method m : ErrorCatalogueTest.class.getDeclaredMethods()) {
            if (m.getAnnotation(Test.class) != null && !Set.of("everyEntryIsCompleteAndNamesTestsThatExist",
                    "everyTestHereIsNamedByAnEntry", "placeholdersMatchAnyTextButTheRestExactly",
                    "unlearnDoesNotWarnWhenTheStandardisationIsTheSame").contains(m.getName())) {
                assertTrue(named.contains("ErrorCatalogueTest#" + m.getName()), m.getName() + " is named in docs/errors.md");
            }
        }
    }

    @Test
    void placeholdersMatchAnyTextButTheRestExactly() {
        Pattern p = pattern("lethe: <file>: line <n>, column '<column>': missing value");
        assertTrue(p.matcher("lethe: a b.csv: line 3, column 'x y': missing value").matches());
        assertFalse(p.matcher("lethe: a.csv: line 3, column 'x': missing values").matches());
        assertFalse(p.matcher("lethe: a.csv: line 3, column x: missing value").matches());
        assertTrue(pattern("lethe: forget 'target < 20' selects (1+1) rows").matcher("lethe: forget 'target < 20' selects (1+1) rows")
                .matches(), "a '<' that does not start a placeholder and regex characters are literal");
    }

    private static String camel(String id) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : id.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- command line

    @Test
    void unknownOption() {
        fails("unknown-option", args("experiment", "--bogus"), "'--bogus'", "'lethe experiment --help'");
    }

    @Test
    void unknownCommand() {
        fails("unknown-command", args("trian", "--dataset", "concrete"), "'trian'", "train, unlearn");
        fails("unknown-command", args("ledger", "verfy"), "'verfy'", "verify, show", "'lethe ledger --help'");
    }

    @Test
    void unexpectedArgument() {
        fails("unexpected-argument", args("train", "concrete"), "'concrete'", "'lethe train --help'");
        fails("unexpected-argument", args("ledger", "verify", "a.jsonl", "b.jsonl"), "'b.jsonl'");
    }

    @Test
    void optionTwice() {
        fails("option-twice", args("train", "--epochs", "1", "--epochs", "2"), "'--epochs'");
    }

    @Test
    void optionWithoutValue() {
        fails("option-without-value", args("train", "--dataset"), "'--dataset'");
    }

    @Test
    void unknownHelpTopic() {
        fails("unknown-help-topic", args("help", "forget"), "'forget'");
    }

    @Test
    void missingOption() {
        fails("missing-option", args("unlearn", "--model", original.toString()), "'--out=FILE'", "'lethe unlearn --help'");
        fails("missing-option", args("evaluate", original.toString()), "--retrain");
    }

    @Test
    void missingParameter() {
        fails("missing-parameter", args("evaluate", "--retrain", original.toString()), "'CHECKPOINT'");
    }

    @Test
    void missingSubcommand() {
        fails("missing-subcommand", args("ledger"), "'lethe ledger --help'");
    }

    @Test
    void invalidValue() {
        fails("invalid-value", args("train", "--dataset", "concrete", "--epochs", "abc"), "'--epochs'", "'abc'");
        fails("invalid-value", args("experiment", "--seeds", "1,,2"), "'--seeds'");
    }

    @Test
    void epochsBelowOne() {
        fails("epochs-below-one", args("train", "--dataset", "concrete", "--epochs", "0", "--out", fresh("e.safetensors")),
                "--epochs", "got 0");
    }

    @Test
    void unknownModel() {
        fails("unknown-model", args("train", "--dataset", "concrete", "--model", "gpt", "--out", fresh("m.safetensors")),
                "'gpt'", "mlp");
    }

    @Test
    void modelDoesNotFitData() {
        fails("model-does-not-fit-data", args("train", "--dataset", "concrete", "--model", "lstm", "--out",
                fresh("m.safetensors")), "lstm", "concrete", "[8]");
        fails("model-does-not-fit-data", args("train", "--dataset", "concrete", "--model", "char", "--out",
                fresh("m.safetensors")), "char", "--dataset vader", "[8]");
        fails("model-does-not-fit-data", args("train", "--dataset", "vader", "--model", "siamese", "--out",
                fresh("m.safetensors")), "siamese", "[2, T]", "vader");
    }

    @Test
    void unknownLoss() {
        fails("unknown-loss", args("train", "--dataset", "concrete", "--loss", "l3", "--out", fresh("l.safetensors")), "'l3'");
    }

    @Test
    void unknownMethods() {
        fails("unknown-methods", experiment("--methods", "gaussian,magic"), "'magic'");
    }

    @Test
    void unknownAudits() {
        fails("unknown-audits", experiment("--audits", "lira,magic"), "'magic'", "--audits");
    }

    @Test
    void shadowModels() {
        fails("shadow-models", experiment("--audits", "lira", "--shadow-models", "5"), "--shadow-models", "got 5");
        fails("shadow-models", experiment("--shadow-models", "2"), "--shadow-models", "got 2");
    }

    @Test
    void unknownMethod() {
        String out = fresh("u.safetensors");
        fails("unknown-method", args("unlearn", "--model", original.toString(), "--method", "magic", "--out", out), "'magic'");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void benchSteps() {
        fails("bench-steps", args("bench", "--steps", "1"), "got 1");
    }

    @Test
    void benchWorkload() {
        fails("bench-workload", args("bench", "--workloads", "mlp,gpt"), "'gpt'");
    }

    // ---------------------------------------------------------------- data sets and CSV files

    @Test
    void noData() {
        fails("no-data", args("train", "--out", fresh("n.safetensors")));
    }

    @Test
    void unknownDataset() {
        fails("unknown-dataset", args("train", "--dataset", "concret", "--out", fresh("d.safetensors")), "'concret'");
    }

    @Test
    void datasetAndData() {
        fails("dataset-and-data", args("train", "--dataset", "concrete", "--data", "x.csv", "--target", "y"));
    }

    @Test
    void dataWithoutTarget() {
        fails("data-without-target", args("train", "--data", "x.csv"));
    }

    @Test
    void targetWithDataset() {
        fails("target-with-dataset", args("train", "--dataset", "concrete", "--target", "strength"));
    }

    private Result csv(String id, String name, String content, String... names) throws IOException {
        Path f = write(name, content);
        return fails(id, args("train", "--data", f.toString(), "--target", "y", "--out", fresh(name + ".safetensors")), names);
    }

    @Test
    void csvMissing() {
        fails("csv-missing", args("train", "--data", dir.resolve("nothere.csv").toString(), "--target", "y", "--out",
                fresh("c.safetensors")), "nothere.csv");
    }

    @Test
    void csvUnreadable() throws IOException {
        Files.createDirectories(dir.resolve("folder.csv"));
        fails("csv-unreadable", args("train", "--data", dir.resolve("folder.csv").toString(), "--target", "y", "--out",
                fresh("c.safetensors")), "folder.csv");
    }

    @Test
    void csvNotUtf8() throws IOException {
        Path f = write("latin1.csv", "a,b,y\n1,\u00e9,3\n".getBytes(StandardCharsets.ISO_8859_1));
        fails("csv-not-utf8", args("train", "--data", f.toString(), "--target", "y", "--out", fresh("c.safetensors")),
                "latin1.csv");
    }

    @Test
    void csvEmpty() throws IOException {
        csv("csv-empty", "empty.csv", "\n\n", "empty.csv");
    }

    @Test
    void csvNoRows() throws IOException {
        csv("csv-no-rows", "header.csv", "a,b,y\n", "header.csv");
    }

    @Test
    void csvUnnamedColumn() throws IOException {
        csv("csv-unnamed-column", "unnamed.csv", "a,,y\n1,2,3\n", "unnamed.csv", "column 2");
    }

    @Test
    void csvDuplicateColumn() throws IOException {
        csv("csv-duplicate-column", "twice.csv", "a,b,a,y\n1,2,3,4\n", "twice.csv", "'a'", "columns 1 and 3");
    }

    @Test
    void csvMalformed() throws IOException {
        csv("csv-malformed", "quote.csv", "a,b,y\n1,2,3\n4,\"5,6\n", "quote.csv", "line 3");
        csv("csv-malformed", "after.csv", "a,b,y\n1,\"2\"x,3\n", "after.csv", "line 2");
    }

    @Test
    void csvRagged() throws IOException {
        csv("csv-ragged", "ragged.csv", "a,b,y\n1,2,3\n4,5\n", "ragged.csv", "line 3", "2 fields", "has 3");
    }

    @Test
    void csvMissingValue() throws IOException {
        csv("csv-missing-value", "gap.csv", "a,b,y\n1,2,3\n4,,6\n", "gap.csv", "line 3", "'b'");
        csv("csv-missing-value", "na.csv", "a,b,y\nNA,2,3\n", "na.csv", "line 2", "'a'");
    }

    @Test
    void csvNotANumber() throws IOException {
        csv("csv-not-a-number", "text.csv", "a,b,y\n1,2,3\n4,five,6\n", "text.csv", "line 3", "'b'", "'five'");
    }

    @Test
    void csvNotFinite() throws IOException {
        csv("csv-not-finite", "nan.csv", "a,b,y\n1,2,NaN\n", "nan.csv", "line 2", "'y'", "'NaN'");
    }

    @Test
    void csvNoTargetColumn() throws IOException {
        Path f = write("columns.csv", "a,b,strength\n1,2,3\n");
        fails("csv-no-target-column", args("train", "--data", f.toString(), "--target", "y", "--out", fresh("c.safetensors")),
                "columns.csv", "'y'", "a, b, strength");
    }

    @Test
    void csvOnlyTarget() throws IOException {
        csv("csv-only-target", "alone.csv", "y\n1\n2\n", "alone.csv", "'y'");
    }

    @Test
    void splitNoTrainingRows() throws IOException {
        Path two = write("two-rows.csv", "a,b,y\n1,2,3\n4,5,6\n");
        fails("split-no-training-rows", experiment("--data", two.toString(), "--target", "y", "--config",
                write("halves.json", "{\"validation_fraction\": 0.25, \"test_fraction\": 0.5}").toString()), "2 rows");
    }

    @Test
    void inputsDoNotFitModel() throws IOException {
        Path small = write("two-features.csv", "a,b,y\n" + "1,2,3\n".repeat(30));
        fails("inputs-do-not-fit-model", args("predict", "--model", original.toString(), "--data", small.toString(), "--target",
                "y", "--out", fresh("p.csv")), "[8]", "two-features.csv", "[2]");
        fails("inputs-do-not-fit-model", args("predict", "--model", original.toString(), "--dataset", "vader", "--out",
                fresh("p.csv")), "vader", "[20]");
    }

    // ---------------------------------------------------------------- forget requests

    private Result forget(String id, String definition, String... names) {
        String out = fresh("f.safetensors");
        Result r = fails(id, args("unlearn", "--model", original.toString(), "--method", "gaussian", "--forget", definition,
                "--out", out, "--ledger", dir.resolve("forget-ledger.jsonl").toString()), names);
        assertFalse(Files.exists(Path.of(out)), "nothing is written");
        assertFalse(Files.exists(dir.resolve("forget-ledger.jsonl")), "nothing is recorded");
        return r;
    }

    @Test
    void forgetEmpty() {
        forget("forget-empty", "");
        forget("forget-empty", " ; ");
    }

    @Test
    void forgetNotUnderstood() {
        forget("forget-not-understood", "the young ones", "'the young ones'");
    }

    @Test
    void forgetNotANumber() {
        forget("forget-not-a-number", "target < twenty", "'twenty'");
        forget("forget-not-a-number", "age in {7, x}", "'x'");
    }

    @Test
    void forgetRandomRange() {
        forget("forget-random-range", "random:0", "'random:0'");
        forget("forget-random-range", "random:2.5", "'random:2.5'");
    }

    @Test
    void forgetRandomTooMany() {
        forget("forget-random-too-many", "random:5000", "5000 rows", "721 training rows");
    }

    @Test
    void forgetBadId() {
        forget("forget-bad-id", "ids:4,seven", "'seven'");
    }

    @Test
    void forgetIdOutOfRange() {
        forget("forget-id-out-of-range", "ids:4,5000", "row 5000", "1030 rows");
    }

    @Test
    void forgetIdNotTraining() {
        int testRow = Experiment.task(Protocol.defaults("concrete", null)).split().test()[0];
        forget("forget-id-not-training", "ids:" + testRow, "row " + testRow);
    }

    @Test
    void forgetNoColumn() {
        forget("forget-no-column", "strength < 20", "'strength'", "cement");
    }

    @Test
    void forgetSelectsNone() {
        forget("forget-selects-none", "target < -100", "'target < -100'");
    }

    @Test
    void forgetSelectsAll() {
        forget("forget-selects-all", "target > -100", "'target > -100'");
    }

    // ---------------------------------------------------------------- configuration files

    @Test
    void configMissing() {
        fails("config-missing", experiment("--config", dir.resolve("absent.json").toString()), "absent.json");
    }

    @Test
    void configUnreadable() throws IOException {
        Files.createDirectories(dir.resolve("settings.json"));
        fails("config-unreadable", experiment("--config", dir.resolve("settings.json").toString()), "settings.json");
    }

    @Test
    void configNotJson() throws IOException {
        fails("config-not-json", config("broken.json", "{\n  \"seeds\": [1,\n}"), "broken.json", "line 3");
    }

    @Test
    void configNotObject() throws IOException {
        fails("config-not-object", config("list.json", "[1, 2]"), "list.json");
    }

    @Test
    void configUnknownKey() throws IOException {
        fails("config-unknown-key", config("epochz.json", "{\"epochz\": 3}"), "epochz.json", "'epochz'");
        fails("config-unknown-key", config("lr.json", "{\"finetune\": {\"lr\": 0.1}}"), "lr.json", "'finetune.lr'",
                "learning_rate");
    }

    @Test
    void configNotText() throws IOException {
        fails("config-not-text", config("dataset.json", "{\"dataset\": 7}"), "dataset.json", "'dataset'");
        fails("config-not-text", config("forget.json", "{\"forget\": [\"target < 20\"]}"), "forget.json", "'forget'");
        fails("config-not-text", config("aggregation.json", "{\"sisa\": {\"aggregation\": 2}}"), "aggregation.json",
                "'sisa.aggregation'");
        fails("config-not-text", config("mode.json", "{\"certified\": {\"mode\": 1}}"), "mode.json", "'certified.mode'");
    }

    @Test
    void configNotANumber() throws IOException {
        fails("config-not-a-number", config("beta.json", "{\"blindspot\": {\"beta\": \"high\"}}"), "beta.json",
                "'blindspot.beta'");
        fails("config-not-a-number", config("fraction.json", "{\"test_fraction\": \"20%\"}"), "fraction.json",
                "'test_fraction'");
    }

    @Test
    void configNotASection() throws IOException {
        fails("config-not-a-section", config("section.json", "{\"original\": 5}"), "section.json", "'original'");
        fails("config-not-a-section", config("audits-section.json", "{\"audits\": [\"lira\"]}"), "audits-section.json",
                "'audits'");
    }

    @Test
    void configAuditsShadow() throws IOException {
        fails("config-audits-shadow", config("audits-shadow.json", "{\"audits\": {\"shadow\": [\"lira\", \"magic\"]}}"),
                "audits-shadow.json", "'audits.shadow'", "magic");
        fails("config-audits-shadow", config("audits-shadow-text.json", "{\"audits\": {\"shadow\": \"lira\"}}"),
                "audits-shadow-text.json", "'audits.shadow'");
    }

    @Test
    void configAuditsShadowModels() throws IOException {
        fails("config-audits-shadow-models", config("audits-k.json", "{\"audits\": {\"shadow_models\": 7}}"),
                "audits-k.json", "'audits.shadow_models'", "got 7");
        fails("config-audits-shadow-models", config("audits-k2.json", "{\"audits\": {\"shadow_models\": 2.5}}"),
                "audits-k2.json", "'audits.shadow_models'", "got 2.5");
    }

    @Test
    void configAin() throws IOException {
        fails("config-ain", config("ain.json", "{\"ain\": \"on\"}"), "ain.json");
    }

    @Test
    void configNotWhole() throws IOException {
        fails("config-not-whole", config("epochs0.json", "{\"original\": {\"epochs\": 0}}"), "epochs0.json",
                "'original.epochs'", "at least 1", "got 0");
        fails("config-not-whole", config("batch.json", "{\"gaussian\": {\"batch_size\": 2.5}}"), "batch.json",
                "'gaussian.batch_size'", "got 2.5");
        fails("config-not-whole", config("patience.json", "{\"original\": {\"early_stopping_patience\": -1}}"),
                "patience.json", "at least 0");
        fails("config-not-whole", config("shards0.json", "{\"sisa\": {\"shards\": 0}}"), "shards0.json",
                "'sisa.shards'", "at least 1", "got 0");
        fails("config-not-whole", config("slices0.json", "{\"sisa\": {\"slices\": 0}}"), "slices0.json",
                "'sisa.slices'", "at least 1", "got 0");
    }

    @Test
    void configNotPositive() throws IOException {
        fails("config-not-positive", config("rate.json", "{\"finetune\": {\"learning_rate\": 0}}"), "rate.json",
                "'finetune.learning_rate'");
    }

    @Test
    void configWeightDecay() throws IOException {
        fails("config-weight-decay", config("decay.json", "{\"original\": {\"weight_decay\": -0.1}}"), "decay.json", "-0.1");
    }

    @Test
    void configKeepBest() throws IOException {
        fails("config-keep-best", config("best.json", "{\"original\": {\"keep_best\": \"yes\"}}"), "best.json");
    }

    @Test
    void configMethods() throws IOException {
        fails("config-methods", config("methods.json", "{\"methods\": \"gaussian\"}"), "methods.json");
        fails("config-methods", config("methods0.json", "{\"methods\": []}"), "methods0.json");
    }

    @Test
    void configMethodSetting() throws IOException {
        fails("config-method-setting", config("neggrad.json", "{\"neggrad\": {\"beta\": 1.5}}"), "neggrad.json",
                "'neggrad'", "beta", "got 1.5");
        fails("config-method-setting", config("salun.json", "{\"salun\": {\"fraction\": 0}}"), "salun.json", "'salun'",
                "fraction");
        fails("config-method-setting", config("scrub.json", "{\"scrub\": {\"learning_rate\": 0}}"), "scrub.json",
                "'scrub'", "learning_rate");
        fails("config-method-setting", config("ssd.json", "{\"lfssd\": {\"alpha\": 0}}"), "ssd.json", "'lfssd'",
                "alpha", "got 0.0");
        fails("config-method-setting", config("fisher.json", "{\"fisher\": {\"alpha\": 0}}"), "fisher.json", "'fisher'",
                "alpha");
        fails("config-method-setting", config("sisa.json", "{\"sisa\": {\"aggregation\": \"mode\"}}"), "sisa.json",
                "'sisa'", "aggregation", "mean or median", "got 'mode'");
        fails("config-method-setting", config("certified.json", "{\"certified\": {\"mode\": \"fast\"}}"), "certified.json",
                "'certified'", "mode", "got 'fast'");
        fails("config-method-setting", config("certified-delta.json", "{\"certified\": {\"delta\": 1}}"),
                "certified-delta.json", "'certified'", "delta", "got 1.0");
    }

    @Test
    void methodLayers() throws IOException {
        Path run = Path.of(fresh("layers-run"));
        fails("method-layers", experiment("--config", write("layers.json", "{\"cfk\": {\"layers\": 4}}").toString(),
                "--methods", "cfk", "--out", run.toString()), "cfk", "layers = 4", "has 3 layers");
        assertFalse(Files.exists(run), "no run folder, nothing trained");
    }

    @Test
    void sisaShards() throws IOException {
        Path run = Path.of(fresh("shards-run"));
        fails("sisa-shards", experiment("--config", write("shards.json", "{\"sisa\": {\"shards\": 5000}}").toString(),
                "--methods", "sisa", "--out", run.toString()), "sisa", "shards = 5000", "has 721 rows", "give 1 to 721");
        assertFalse(Files.exists(run), "no run folder, nothing trained");
    }

    @Test
    void configUnknownMethod() throws IOException {
        Path run = Path.of(fresh("magic-run"));
        fails("config-unknown-method", experiment("--config", write("magic.json", "{\"methods\": [\"gaussian\", \"magic\"]}")
                .toString(), "--out", run.toString()), "magic.json", "'magic'");
        assertFalse(Files.exists(run), "no run folder, nothing trained");
    }

    @Test
    void configSeeds() throws IOException {
        fails("config-seeds", config("seeds.json", "{\"seeds\": \"1,2\"}"), "seeds.json");
        fails("config-seeds", config("seeds-x.json", "{\"seeds\": [1, \"x\"]}"), "seeds-x.json");
        fails("config-seeds", config("seeds0.json", "{\"seeds\": []}"), "seeds0.json");
    }

    @Test
    void configSplitSeed() throws IOException {
        fails("config-split-seed", config("split.json", "{\"split_seed\": 1.5}"), "split.json", "1.5");
        fails("config-split-seed", config("train-seed.json", "{\"original\": {\"seed\": \"one\"}}"), "train-seed.json",
                "'original.seed'");
    }

    @Test
    void configOptimizer() throws IOException {
        fails("config-optimizer", config("sgd.json", "{\"original\": {\"optimizer\": \"sgd\"}}"), "sgd.json",
                "'original.optimizer'", "sgd");
    }

    @Test
    void configOriginalLoss() throws IOException {
        fails("config-original-loss", config("loss2.json", "{\"loss\": \"mse\", \"original\": {\"loss\": \"l1\"}}"),
                "loss2.json", "'original.loss'", "\"mse\"");
    }

    @Test
    void configPlateau() throws IOException {
        fails("config-plateau", config("plateau.json", "{\"original\": {\"plateau\": 5}}"), "plateau.json",
                "'original.plateau'");
    }

    @Test
    void configChoice() throws IOException {
        fails("config-choice", config("mode.json", "{\"original\": {\"plateau\": {\"mode\": \"down\"}}}"), "mode.json",
                "'original.plateau.mode'", "min, max");
    }

    @Test
    void configPlateauFactor() throws IOException {
        fails("config-plateau-factor", config("factor.json", "{\"original\": {\"plateau\": {\"factor\": 1}}}"),
                "factor.json", "'original.plateau.factor'");
    }

    @Test
    void configNotNegative() throws IOException {
        fails("config-not-negative", config("minlr.json", "{\"original\": {\"plateau\": {\"min_lr\": -1}}}"),
                "minlr.json", "'original.plateau.min_lr'", "-1");
    }

    @Test
    void configFractions() throws IOException {
        fails("config-fractions", config("fractions.json", "{\"validation_fraction\": 0.5, \"test_fraction\": 0.5}"),
                "fractions.json", "(0.5)");
        fails("config-fractions", config("negative.json", "{\"test_fraction\": -0.1}"), "negative.json", "(-0.1)");
    }

    @Test
    void configUnknownArchitecture() throws IOException {
        fails("config-unknown-architecture", config("arch.json", "{\"model\": {\"architecture\": \"gpt\"}}"), "arch.json",
                "\"gpt\"");
    }

    @Test
    void configArchitectureDoesNotFit() throws IOException {
        fails("config-architecture-does-not-fit", config("lstm.json", "{\"model\": {\"architecture\": \"lstm\"}}"),
                "lstm.json", "lstm", "concrete", "[8]");
    }

    @Test
    void configHyperparametersNotObject() throws IOException {
        fails("config-hyperparameters-not-object", config("hp.json", "{\"model\": {\"hyperparameters\": [64]}}"), "hp.json");
    }

    @Test
    void configBadHyperparameter() throws IOException {
        Path run = Path.of(fresh("hidden-run"));
        fails("config-bad-hyperparameter", experiment("--config", write("hidden.json",
                "{\"model\": {\"hyperparameters\": {\"hidden\": \"wide\"}}}").toString(), "--out", run.toString()),
                "hidden.json", "'hidden'", "a list of whole numbers", "wide");
        assertFalse(Files.exists(run), "no run folder, nothing trained");
        fails("config-bad-hyperparameter", config("dropout.json", "{\"model\": {\"hyperparameters\": {\"dropout\": \"no\"}}}"),
                "dropout.json", "'dropout'");
    }

    @Test
    void configUnknownLoss() throws IOException {
        fails("config-unknown-loss", config("loss.json", "{\"loss\": \"l3\"}"), "loss.json", "'l3'");
    }

    @Test
    void configBadForget() throws IOException {
        fails("config-bad-forget", config("badforget.json", "{\"forget\": \"target <\"}"), "badforget.json",
                "'target <'", "not understood");
    }

    @Test
    void configTargetBuiltin() throws IOException {
        fails("config-target-builtin", config("target.json", "{\"target\": \"strength\"}"), "target.json");
        fails("config-target-builtin", config("target2.json", "{\"dataset\": \"concrete\", \"target\": \"strength\"}"),
                "target2.json");
    }

    // ---------------------------------------------------------------- checkpoints

    private Result predict(String id, Path model, String... names) {
        return fails(id, args("predict", "--model", model.toString(), "--out", fresh("p.csv")), names);
    }

    @Test
    void checkpointMissing() {
        predict("checkpoint-missing", dir.resolve("absent.safetensors"), "absent.safetensors");
        fails("checkpoint-missing", args("evaluate", "--retrain", original.toString(), dir.resolve("gone.safetensors")
                .toString()), "gone.safetensors");
    }

    @Test
    void checkpointUnreadable() throws IOException {
        Files.createDirectories(dir.resolve("folder.safetensors"));
        predict("checkpoint-unreadable", dir.resolve("folder.safetensors"), "folder.safetensors");
    }

    @Test
    void checkpointTooShort() throws IOException {
        predict("checkpoint-too-short", write("short.safetensors", new byte[] {1, 2, 3}), "short.safetensors", "3 bytes");
    }

    @Test
    void checkpointNotSafetensors() throws IOException {
        predict("checkpoint-not-safetensors", write("data.csv", "a,b,y\n1,2,3\n4,5,6\n"), "data.csv");
        fails("checkpoint-not-safetensors", args("train", "--dataset", "concrete", "--init", ledger.toString(), "--out",
                fresh("i.safetensors")), "ledger.jsonl");
    }

    @Test
    void checkpointDamaged() throws IOException {
        byte[] good = Files.readAllBytes(original);
        predict("checkpoint-damaged", write("cut.safetensors", Arrays.copyOf(good, good.length / 2)), "cut.safetensors");
        predict("checkpoint-damaged", write("header.safetensors", safetensors("{\"a\": ", new byte[0])), "header.safetensors",
                "not valid JSON");
        predict("checkpoint-damaged", write("f16.safetensors", safetensors(
                "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4])), "f16.safetensors", "F16");
        predict("checkpoint-damaged", write("noname.safetensors", safetensors("{\"__metadata__\":{\"lethe.architecture\":"
                + "\"{\\\"hyperparameters\\\":{}}\"}}", new byte[0])), "noname.safetensors", "lethe.architecture without an architecture name");
    }

    @Test
    void checkpointNotLethe() throws IOException {
        Path torch = write("torch.safetensors", safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4]));
        fails("checkpoint-not-lethe", args("unlearn", "--model", torch.toString(), "--out", fresh("u.safetensors"),
                "--ledger", dir.resolve("never.jsonl").toString()), "torch.safetensors");
    }

    @Test
    void checkpointUnknownArchitecture() throws IOException {
        Path gpt = write("gpt.safetensors", safetensors("{\"__metadata__\":{\"lethe.architecture\":"
                + "\"{\\\"architecture\\\":\\\"gpt\\\",\\\"hyperparameters\\\":{}}\"}}", new byte[0]));
        predict("checkpoint-unknown-architecture", gpt, "gpt.safetensors", "'gpt'");
    }

    @Test
    void checkpointWrongWeights() {
        Path narrow = checkpoint("narrow.safetensors", new ModelSpec("mlp", Map.of("inputs", 8, "hidden", List.of(4),
                "dropout", 0.0)), Checkpoint.Info.of(1));
        String out = fresh("w.safetensors");
        fails("checkpoint-wrong-weights", args("train", "--dataset", "concrete", "--epochs", "1", "--init", narrow.toString(),
                "--out", out), "narrow.safetensors");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void checkpointNoDataset() {
        Path bare = checkpoint("bare.safetensors", concreteMlp(), Checkpoint.Info.of(1));
        predict("checkpoint-no-dataset", bare, "bare.safetensors");
    }

    @Test
    void checkpointBadNumber() {
        predict("checkpoint-bad-number", checkpoint("split.safetensors", concreteMlp(), concreteInfo(Map.of(),
                Map.of("lethe.dataset", "concrete", "lethe.split_seed", "soon"))), "split.safetensors", "lethe.split_seed",
                "'soon'");
        predict("checkpoint-bad-number", checkpoint("fraction.safetensors", concreteMlp(), concreteInfo(Map.of(),
                Map.of("lethe.dataset", "concrete", "lethe.test_fraction", "a fifth"))), "fraction.safetensors",
                "lethe.test_fraction");
    }

    @Test
    void checkpointBadNormalisation() {
        Path p = checkpoint("norm.safetensors", concreteMlp(), concreteInfo(Map.of("feature_mean", "zero", "target_mean", 0),
                Map.of("lethe.dataset", "concrete")));
        predict("checkpoint-bad-normalisation", p, "norm.safetensors");
        String out = fresh("n.safetensors");
        fails("checkpoint-bad-normalisation", args("unlearn", "--model", p.toString(), "--out", out, "--ledger",
                dir.resolve("never.jsonl").toString()), "norm.safetensors");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void checkpointNormalisationSize() {
        Path p = checkpoint("three.safetensors", concreteMlp(), concreteInfo(Map.of("feature_mean", List.of(0, 0, 0),
                "feature_std", List.of(1, 1, 1), "target_mean", 0, "target_std", 1), Map.of("lethe.dataset", "concrete")));
        predict("checkpoint-normalisation-size", p, "three.safetensors", "3 features", "concrete has 8");
    }

    @Test
    void checkpointBadLoss() {
        predict("checkpoint-bad-loss", checkpoint("loss.safetensors", concreteMlp(), concreteInfo(Map.of(),
                Map.of("lethe.dataset", "concrete", "lethe.loss", "l3"))), "loss.safetensors", "'l3'");
    }

    // ---------------------------------------------------------------- output paths

    @Test
    void outExists() throws IOException {
        Path existing = write("keep.bin", "the user's file\n");
        byte[] before = Files.readAllBytes(existing);
        byte[] model = Files.readAllBytes(original);
        fails("out-exists", args("train", "--dataset", "concrete", "--epochs", "1", "--out", existing.toString()), "keep.bin");
        fails("out-exists", args("unlearn", "--model", original.toString(), "--out", existing.toString(), "--ledger",
                dir.resolve("never.jsonl").toString()), "keep.bin");
        fails("out-exists", args("predict", "--model", original.toString(), "--out", existing.toString()), "keep.bin");
        fails("out-exists", args("evaluate", "--retrain", original.toString(), original.toString(), "--out",
                existing.toString()), "keep.bin");
        fails("out-exists", args("evaluate", "--retrain", original.toString(), original.toString(), "--out",
                original.toString()), "original.safetensors");
        assertArrayEquals(before, Files.readAllBytes(existing), "the file is left as it was");
        assertArrayEquals(model, Files.readAllBytes(original), "the checkpoint is left as it was");
        assertFalse(Files.exists(dir.resolve("never.jsonl")));
    }

    @Test
    void outParentNotFolder() throws IOException {
        Path notes = write("notes.txt", "notes\n");
        fails("out-parent-not-folder", args("train", "--dataset", "concrete", "--epochs", "1", "--out",
                notes.resolve("model.safetensors").toString()), "notes.txt");
        fails("out-parent-not-folder", args("predict", "--model", original.toString(), "--out",
                notes.resolve("sub/p.csv").toString()), "notes.txt");
        fails("out-parent-not-folder", experiment("--out", notes.resolve("run").toString()), "notes.txt");
        assertEquals("notes\n", Files.readString(notes));
    }

    @Test
    void runFolderNotEmpty() throws IOException {
        Path run = dir.resolve("full-run");
        Path file = write("full-run/results.json", "{}");
        fails("run-folder-not-empty", experiment("--out", run.toString()), "full-run");
        assertEquals("{}", Files.readString(file));
        try (Stream<Path> s = Files.list(run)) {
            assertEquals(1, s.count(), "nothing is added to the folder");
        }
    }

    @Test
    void runFolderIsFile() throws IOException {
        Path file = write("a-file", "x");
        fails("run-folder-is-file", experiment("--out", file.toString()), "a-file");
        assertEquals("x", Files.readString(file));
    }

    // ---------------------------------------------------------------- devices

    @Test
    void deviceUnknown() {
        fails("device-unknown", args("train", "--dataset", "concrete", "--device", "tpu"), "'tpu'");
        fails("device-unknown", args("bench", "--device", "gpu"), "'gpu'");
    }

    @Test
    void deviceCudaUnusable() {
        Entry e = entry("device-cuda-unusable");
        Assumptions.assumeFalse(Backends.providers().stream().anyMatch(p -> p.name().equals("cuda") && p.probe().available()),
                "a GPU is usable here");
        Path out = dir.resolve("cuda.safetensors");
        Result r = lethe("train", "--dataset", "concrete", "--epochs", "1", "--device", "cuda", "--out", out.toString());
        assertEquals(e.exit(), r.exit(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> e.pattern().matcher(l).matches()), r.err());
        assertFalse(Files.exists(out), "nothing is written");
    }

    // ---------------------------------------------------------------- the erasure ledger

    private List<String> unlearn(String out, String... more) {
        List<String> a = new ArrayList<>(List.of("unlearn", "--model", original.toString(), "--method", "gaussian", "--out",
                out));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void requestIdEmpty() {
        String out = fresh("r.safetensors");
        fails("request-id-empty", unlearn(out, "--ledger", dir.resolve("never.jsonl").toString(), "--request-id", " "));
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void requestIdTooLong() {
        fails("request-id-too-long", unlearn(fresh("r.safetensors"), "--ledger", dir.resolve("never.jsonl").toString(),
                "--request-id", "x".repeat(201)));
        fails("request-id-too-long", unlearn(fresh("r.safetensors"), "--ledger", dir.resolve("never.jsonl").toString(),
                "--request-id", "a\nb"));
    }

    @Test
    void ledgerIsFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("ledger-folder"));
        fails("ledger-is-folder", unlearn(fresh("l.safetensors"), "--ledger", folder.toString()), "ledger-folder");
        fails("ledger-is-folder", experiment("--ledger", folder.toString()), "ledger-folder");
    }

    @Test
    void ledgerParentNotFolder() throws IOException {
        Path notes = write("ledger-notes.txt", "notes\n");
        String out = fresh("l.safetensors");
        fails("ledger-parent-not-folder", unlearn(out, "--ledger", notes.resolve("ledger.jsonl").toString()),
                "ledger-notes.txt");
        assertFalse(Files.exists(Path.of(out)), "nothing is unlearned that could not be recorded");
    }

    private static Path brokenLedger(String name) throws IOException {
        List<String> lines = Files.readAllLines(ledger);
        return write(name, lines.get(0).replace("\"request_id\":\"r-1\"", "\"request_id\":\"r-9\"") + "\n" + lines.get(1)
                + "\n");
    }

    @Test
    void ledgerRefused() throws IOException {
        Path broken = brokenLedger("refused.jsonl");
        byte[] before = Files.readAllBytes(broken);
        String out = fresh("refused.safetensors");
        fails("ledger-refused", unlearn(out, "--ledger", broken.toString()), "refused.jsonl", "line 1 (seq 1): edited");
        assertFalse(Files.exists(Path.of(out)));
        fails("ledger-refused", experiment("--ledger", broken.toString()), "refused.jsonl");
        assertArrayEquals(before, Files.readAllBytes(broken), "the ledger is left as it was");
    }

    @Test
    void ledgerVerifyMissing() {
        fails("ledger-verify-missing", args("ledger", "verify", dir.resolve("no-ledger.jsonl").toString()), "no-ledger.jsonl");
        fails("ledger-verify-missing", args("ledger", "show", dir.resolve("no-ledger.jsonl").toString()), "no-ledger.jsonl");
    }

    @Test
    void ledgerVerifyFolder() {
        fails("ledger-verify-folder", args("ledger", "verify", dir.toString()));
    }

    @Test
    void ledgerBroken() throws IOException {
        fails("ledger-broken", args("ledger", "verify", brokenLedger("edited.jsonl").toString()), "edited.jsonl",
                "line 1 (seq 1): edited");
        List<String> lines = Files.readAllLines(ledger);
        fails("ledger-broken", args("ledger", "verify", write("deleted.jsonl", lines.get(1) + "\n").toString()),
                "line 1 (seq 2): deleted");
        fails("ledger-broken", args("ledger", "verify", write("cut.jsonl", lines.get(0) + "\n" + lines.get(1).substring(0, 40))
                .toString()), "line 2: truncated");
        fails("ledger-broken", args("ledger", "verify", write("junk.jsonl", lines.get(0) + "\nhello\n").toString()),
                "line 2: bad line");
    }

    @Test
    void expectHeadInvalid() {
        fails("expect-head-invalid", args("ledger", "verify", ledger.toString(), "--expect-head", "abc"), "'abc'");
    }

    @Test
    void expectHeadNotFound() {
        fails("expect-head-not-found", args("ledger", "verify", ledger.toString(), "--expect-head", "ab".repeat(32)),
                "ledger.jsonl", "ab".repeat(32));
    }

    // ---------------------------------------------------------------- failures

    @Test
    void trainingDiverged() throws IOException {
        fails("training-diverged", true, config("diverge.json", "{\"original\": {\"learning_rate\": 1e30}}"), "learning rate");
    }

    // ---------------------------------------------------------------- not mistakes

    @Test
    void unlearnDoesNotWarnWhenTheStandardisationIsTheSame() {
        Path out = dir.resolve("same.safetensors");
        Result r = lethe("unlearn", "--model", original.toString(), "--method", "gaussian", "--out", out.toString(), "--ledger",
                dir.resolve("same-ledger.jsonl").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("standardisation differs"), r.err());
    }
}
