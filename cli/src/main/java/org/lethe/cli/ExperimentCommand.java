package org.lethe.cli;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lethe.kernels.Backend;
import org.lethe.models.RegressionModel;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.train.ConsoleProgress;
import org.lethe.models.train.ProgressListener;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.AuditConfig;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.Methods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe experiment}: the whole protocol (Original and Retrain, each method, every metric, over
 * seeds) into a new run folder with results, checkpoints and a report, recorded in the erasure ledger
 * ({@link Ledger}). Without options it is the main job on {@value #DEFAULT_DATASET}.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"The paper's protocol: train Original and Retrain, run each method, compute every metric, over seeds.",
            "The run is appended to the erasure ledger (see 'lethe ledger verify')."})
final class ExperimentCommand implements Callable<Integer> {
    /** The main job's data set: the whole protocol with three seeds fits in seconds on two cores (see the README). */
    static final String DEFAULT_DATASET = "concrete";

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ProtocolOptions protocol = new ProtocolOptions();

    @Option(names = "--methods", paramLabel = "LIST", split = ",",
            description = {"methods besides Original and Retrain, by name: the paper's finetune,gaussian,blindspot (the"
                + " default) and neggrad,badteacher,scrub,salun,l1sparse,cfk,euk,ssd,lfssd,fisher,sisa,certified"
                + " (docs/methods.md), or all"})
    List<String> methods;

    @Option(names = "--seeds", paramLabel = "LIST", split = ",", description = "seeds, e.g. 1,2,3 (default: 1,2,3)")
    List<Long> seeds;

    @Option(names = "--no-ain", description = "skip the anamnesis index (it relearns every model)")
    boolean noAin;

    @Option(names = "--audits", paramLabel = "LIST", split = ",",
            description = {"shadow-model privacy audits to add: lira,ulira,neurips, all or none (default: none).",
                "The scale-aware SVC attack and the loss-threshold attack always run. See docs/audits.md"})
    List<String> audits;

    @Option(names = "--shadow-models", paramLabel = "K",
            description = "shadow models per seed for --audits: even, at least 4 (default: "
                    + AuditConfig.DEFAULT_SHADOW_MODELS + "; 16-64 is the cheap setting)")
    Integer shadowModels;

    @Option(names = "--config", paramLabel = "FILE.json", description = "settings as JSON (the keys of results.json's config)")
    Path config;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--out", paramLabel = "DIR", description = "a new folder for the run (default: runs/<dataset>-<time>)")
    Path out;

    @Mixin
    LedgerOptions ledger = new LedgerOptions();

    @Override
    public Integer call() {
        String started = OffsetDateTime.now().toString();
        Backend backend = device.use();
        ConfigFile file = config == null ? null : ConfigFile.read(config);
        if (file != null && !data.given()) {
            file.checkData();
        }
        String key = data.given() ? data.key() : file != null && file.text("dataset") != null ? file.text("dataset")
                : DEFAULT_DATASET;
        String target = data.given() ? data.target : file != null ? file.text("target") : null;
        ExperimentConfig c = Protocol.defaults(key, target);
        if (file != null) {
            c = file.apply(c);
        }
        c = protocol.apply(c);
        if (methods != null) {
            List<String> m = methods.size() == 1 && methods.get(0).equals("all") ? Methods.ALL : methods;
            for (String name : m) {
                if (!Methods.ALL.contains(name)) {
                    throw new UserError("--methods: unknown method '" + name + "'; known: " + String.join(", ", Methods.ALL)
                            + " or all");
                }
            }
            c = c.withMethods(m);
        }
        if (seeds != null) {
            c = c.withSeeds(seeds);
        }
        if (noAin) {
            c = c.withAin(false);
        }
        AuditConfig auditConfig = auditConfig(file);
        // Check the data, the forget request and the methods' settings before any file is written.
        UnlearningTask task = Experiment.task(c);
        Protocol.checkMethodsFit(c, c.methods(), org.lethe.models.Models.create(c.model(), new org.lethe.engine.Rng(0)), task);
        ledger.check();
        RunDirectory dir = RunDirectory.create(out, Path.of(c.dataset()).getFileName().toString());
        String command = Main.commandLine();
        final ExperimentConfig cfg = c;
        System.err.printf("lethe: %s, %d rows (%d train, %d validation, %d test); forget '%s': %d training rows%n",
                c.dataset(), task.data().size(), task.split().train().length, task.split().validation().length,
                task.split().test().length, c.forget(), task.forget().trainForget().length);
        System.err.printf("lethe: model %s, methods original, retrain, %s; seeds %s; %s%n", c.model().architecture(),
                String.join(", ", c.methods()), c.seeds(), backend.description());
        if (auditConfig.anyShadow()) {
            System.err.printf("lethe: audits %s with %d shadow models per seed%n", String.join(", ", auditConfig.shadow()),
                    auditConfig.shadowModels());
        }
        List<String> saved = new ArrayList<>();
        ExperimentResult r = Experiment.run(c, auditConfig, new Experiment.Listener() {
            @Override
            public ProgressListener phase(String label) {
                return ConsoleProgress.stderr(label);
            }

            @Override
            public void note(String line) {
                System.err.println("lethe: " + line);
            }

            @Override
            public void model(String method, long seed, RegressionModel m, UnlearningTask t) {
                String name = "checkpoints/" + method + "-seed" + seed + ".safetensors";
                Checkpoint.save(dir.file(name), m, Protocol.info(cfg, t, seed, method,
                        java.util.Map.of("lethe.method", method)));
                saved.add(name);
            }
        });
        ResultsWriter.write(dir, r, command, backend, started);
        Report.write(dir, r, command, Units.of(c.dataset()));
        ledger.append(record(c, task, r, dir, saved), dir.path);
        System.out.println();
        System.out.print(Table.summary(r.summary(), Units.of(c.dataset())));
        if (auditConfig.anyShadow()) {
            System.out.println();
            System.out.print(Table.audits(r.summary()));
        }
        System.out.printf(java.util.Locale.ROOT, "%n%d models, %.1fs. Results: %s (report.html, results.json, results.csv)%n",
                saved.size(), r.seconds(), dir.path);
        return 0;
    }

    /** The audits: the configuration file's, then --audits and --shadow-models. */
    private AuditConfig auditConfig(ConfigFile file) {
        AuditConfig a = file != null ? file.audits(AuditConfig.cheap()) : AuditConfig.cheap();
        if (audits != null) {
            List<String> shadow;
            if (audits.size() == 1 && audits.get(0).equals("all")) {
                shadow = AuditConfig.SHADOW;
            } else if (audits.size() == 1 && audits.get(0).equals("none")) {
                shadow = List.of();
            } else {
                for (String name : audits) {
                    if (!AuditConfig.SHADOW.contains(name)) {
                        throw new UserError("--audits: unknown audit '" + name + "'; known: "
                                + String.join(", ", AuditConfig.SHADOW) + ", all or none");
                    }
                }
                shadow = audits;
            }
            a = a.withShadow(shadow);
        }
        if (shadowModels != null) {
            if (shadowModels < 4 || shadowModels % 2 != 0) {
                throw new UserError("--shadow-models: must be an even number of at least 4, got " + shadowModels);
            }
            a = a.withShadowModels(shadowModels);
        }
        return a;
    }

    /**
     * The ledger record: the request, the methods and the whole configuration, the hashes of the saved
     * checkpoints (Original's as before, every other model's as after) and each method's summary.
     */
    private Map<String, Object> record(ExperimentConfig c, UnlearningTask task, ExperimentResult r, RunDirectory dir,
                                       List<String> saved) {
        Map<String, Object> rec = ledger.record("experiment", c, task);
        rec.put("methods", c.methods());
        rec.put("config", r.config());
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        for (String name : saved) {
            Path p = dir.file(name);
            (name.startsWith("checkpoints/original-") ? before : after).put(p.toString(), Ledger.sha256(p));
        }
        rec.put("model_before_sha256", before);
        rec.put("model_after_sha256", after);
        Map<String, Object> metrics = new LinkedHashMap<>();
        r.summary().forEach((m, ms) -> {
            Map<String, Object> mm = new LinkedHashMap<>();
            ms.forEach((k, s) -> mm.put(k, ResultsWriter.summary(s)));
            metrics.put(m, mm);
        });
        rec.put("metrics", metrics);
        rec.put("run", dir.path.toString());
        return rec;
    }
}
