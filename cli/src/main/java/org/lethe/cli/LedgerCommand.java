package org.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lethe ledger}: reads the erasure ledger that {@code unlearn} and {@code experiment} append to
 * ({@link Ledger}, docs/ledger.md). {@code verify} exits 0 when the chain is intact, 1 when it is not
 * (naming the first broken record by line and seq), 2 when the file is missing or an option is bad.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "The erasure ledger: every unlearn and experiment, in a hash-chained JSON-lines file.",
        subcommands = {LedgerCommand.Verify.class, LedgerCommand.Show.class})
final class LedgerCommand {
    private LedgerCommand() {
    }

    /** Reads and verifies a ledger; a missing file or a folder is bad input. */
    static Ledger.Verification read(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError("ledger " + file + " is a folder, not a ledger file");
        }
        try {
            return Ledger.verify(file);
        } catch (NoSuchFileException e) {
            throw new UserError("ledger " + file + " does not exist: nothing has been recorded there (the default is $"
                    + Ledger.ENV + " or " + Ledger.DEFAULT + "; give the file)");
        } catch (IOException e) {
            throw new UserError("cannot read the ledger " + file + ": " + e.getMessage());
        }
    }

    /** {@code lethe ledger verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the ledger's hash chain: finds an edited, deleted, inserted or reordered record, or a"
                + " truncated or bad line, and names the first by line and seq.",
                "Exit status 0 intact, 1 broken, 2 missing file or bad option."})
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
                description = "the ledger (default: $" + Ledger.ENV + " or runs/ledger.jsonl)")
        Path file;

        @Option(names = "--expect-head", paramLabel = "SHA256",
                description = "a head printed by an earlier verify: fails unless a record of the chain has this hash"
                    + " (records appended since are fine); catches records removed from the end and a rewritten chain")
        String expectHead;

        @Override
        public Integer call() {
            Path f = Ledger.resolve(file);
            String expected = null;
            if (expectHead != null) {
                expected = expectHead.trim().toLowerCase(Locale.ROOT);
                if (expected.startsWith("sha256:")) {
                    expected = expected.substring("sha256:".length());
                }
                if (!expected.matches("[0-9a-f]{64}")) {
                    throw new UserError("--expect-head must be 64 hex digits, got '" + expectHead + "'");
                }
            }
            Ledger.Verification v = read(f);
            if (!v.ok()) {
                throw new Ledger.LedgerException(f + ": " + v.problem().describe());
            }
            if (expected != null && !expected.equals(Ledger.GENESIS)) {
                Ledger.Entry anchor = null;
                for (Ledger.Entry e : v.entries()) {
                    if (e.sha256().equals(expected)) {
                        anchor = e;
                    }
                }
                if (anchor == null) {
                    throw new Ledger.LedgerException(f + ": no record has the expected head " + expected
                            + ": records were removed from the end, or the ledger was rewritten");
                }
                int after = v.records() - anchor.line();
                System.out.println(f + ": the expected head is seq " + anchor.seq() + " (line " + anchor.line() + ")"
                        + (after == 0 ? ", the last record" : "; " + after + (after == 1 ? " record was" : " records were")
                        + " appended since"));
            }
            if (v.records() == 0) {
                System.out.println(f + ": empty ledger (0 records)");
            } else {
                System.out.println(f + ": " + v.records() + (v.records() == 1 ? " record" : " records")
                        + ", the chain is intact (seq 1 to " + v.entries().get(v.records() - 1).seq() + ")");
            }
            System.out.println("head " + v.head());
            return 0;
        }
    }

    /** {@code lethe ledger show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "List the ledger's records (seq, time, command, request id, forget request, rows, methods), then verify it.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
                description = "the ledger (default: $" + Ledger.ENV + " or runs/ledger.jsonl)")
        Path file;

        @Override
        public Integer call() {
            Path f = Ledger.resolve(file);
            Ledger.Verification v = read(f);
            Table t = new Table().row("seq", "time", "command", "request", "forget", "rows", "methods");
            for (Ledger.Entry e : v.entries()) {
                JsonNode j = e.json();
                StringBuilder methods = new StringBuilder();
                j.path("methods").forEach(m -> methods.append(methods.length() > 0 ? "," : "").append(m.asText()));
                t.row(Long.toString(e.seq()), j.path("time").asText("-"), j.path("command").asText("-"),
                        j.path("request_id").asText("-"), j.path("forget").asText("-"), j.path("forget_rows").asText("-"),
                        methods.toString());
            }
            System.out.print(t.render());
            if (!v.ok()) {
                throw new Ledger.LedgerException(f + ": " + v.problem().describe());
            }
            System.out.println(v.records() + (v.records() == 1 ? " record" : " records") + "; the chain is intact; head "
                    + v.head());
            return 0;
        }
    }
}
