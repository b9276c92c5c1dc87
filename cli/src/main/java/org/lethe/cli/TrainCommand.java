package org.lethe.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lethe.engine.Rng;
import org.lethe.kernels.Backend;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.train.ConsoleProgress;
import org.lethe.models.train.TrainResult;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe train}: a model on a data set; with {@code --exclude-forget}, the Retrain baseline. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (the paper's recipe: Adam lr 0.01, or 0.001 for fashion-rotation; batch 256; ReduceLROnPlateau; best validation epoch).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ProtocolOptions protocol = new ProtocolOptions();

    @Option(names = "--seed", defaultValue = "1", description = "initialisation and shuffling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--init", paramLabel = "CHECKPOINT", description = "start from these weights (e.g. saved from PyTorch)")
    Path init;

    @Option(names = "--exclude-forget", description = "train on the retain rows only (the Retrain baseline)")
    boolean excludeForget;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--out", paramLabel = "FILE", description = "checkpoint to write (default: runs/<dataset>-<role>-seed<N>.safetensors)")
    Path out;

    @Override
    public Integer call() {
        Backend backend = device.use();
        ExperimentConfig c = protocol.apply(Protocol.defaults(data.key(), data.target));
        String role = excludeForget ? "retrain" : "original";
        Path target = out != null ? out : Path.of("runs", Path.of(c.dataset()).getFileName() + "-" + role + "-seed" + seed
                + ".safetensors");
        Outputs.checkNew(target, "--out");
        UnlearningTask task = Experiment.task(c);
        RegressionModel m = Models.create(c.model(), new Rng(seed));
        if (init != null) {
            Checkpoint.loadWeights(init, m);
        }
        Dataset trainRows = excludeForget ? task.retain() : task.train();
        Dataset val = excludeForget ? task.validationRetain() : task.data().subset(task.split().validation());
        System.err.println("lethe: training " + c.model().architecture() + " on " + c.dataset() + " (" + trainRows.size()
                + " rows" + (excludeForget ? ", forget '" + c.forget() + "' excluded" : "") + ") on " + backend.description());
        TrainResult r = new Trainer(c.original().withSeed(seed), ConsoleProgress.stderr(role)).fit(m, trainRows, val);
        Checkpoint.save(target, m, Protocol.info(c, task, seed, role, Map.of("lethe.best_epoch", Integer.toString(r.bestEpoch()))));
        System.out.printf(java.util.Locale.ROOT, "trained %s in %.1fs (%d steps); best validation loss %s at epoch %d%nwrote %s%n",
                role, r.seconds(), r.steps(), Table.number(r.bestValidationLoss()), r.bestEpoch(), target);
        return 0;
    }
}
