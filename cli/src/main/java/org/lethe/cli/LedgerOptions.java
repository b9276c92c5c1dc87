package org.lethe.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.lethe.models.io.BuildInfo;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * {@code --ledger} and {@code --request-id} for the commands that forget ({@code unlearn},
 * {@code experiment}): which erasure ledger gets their record, and the request it answers.
 */
final class LedgerOptions {
    @Option(names = "--ledger", paramLabel = "FILE",
            description = "the erasure ledger this run is recorded in (default: $" + Ledger.ENV + " or runs/ledger.jsonl)")
    Path ledger;

    @Option(names = "--request-id", paramLabel = "ID",
            description = "the erasure request's id, recorded in the ledger (default: a random UUID)")
    String requestId;

    /** The ledger file. */
    Path file() {
        return Ledger.resolve(ledger);
    }

    /**
     * Checks the options and the ledger before any work: a bad request id is bad usage (2), a ledger
     * that does not verify is refused (1).
     */
    void check() {
        if (requestId != null) {
            if (requestId.isBlank()) {
                throw new UserError("--request-id must not be empty");
            }
            if (requestId.length() > 200 || requestId.chars().anyMatch(Character::isISOControl)) {
                throw new UserError("--request-id must be one line of at most 200 characters");
            }
        }
        Ledger.checkAppendable(file());
    }

    /** The fields every record starts with: request, time, command, code, data and the forget request. */
    Map<String, Object> record(String command, ExperimentConfig c, UnlearningTask task) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("request_id", requestId != null ? requestId : UUID.randomUUID().toString());
        r.put("time", Ledger.now());
        r.put("command", command);
        r.put("command_line", Main.commandLine());
        r.put("code_version", BuildInfo.codeVersion());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", c.dataset());
        data.put("hash", task.data().hash());
        r.put("dataset", data);
        r.put("forget", c.forget());
        r.put("forget_rows", task.forget().trainForget().length);
        r.put("forget_rows_sha256", Ledger.rowsSha256(task.forget().trainForget()));
        return r;
    }

    /** Appends the record and says so on standard error; a failure says that the run's files are not recorded. */
    void append(Map<String, Object> record, Object written) {
        Path f = file();
        Ledger.Entry e;
        try {
            e = Ledger.append(f, record);
        } catch (Ledger.LedgerException x) {
            throw new Ledger.LedgerException(x.getMessage() + " (" + written + " was written but is not recorded)");
        }
        System.err.println("lethe: recorded as seq " + e.seq() + " in the ledger " + f + " (request "
                + record.get("request_id") + ")");
    }
}
