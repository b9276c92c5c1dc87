package org.lethe.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lethe.models.data.DataException;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.RegressionData;
import org.lethe.models.io.AtomicFiles;
import org.lethe.models.io.Checkpoint;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.metrics.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe predict}: a checkpoint's predictions for every row of a data set, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predictions of a checkpoint for a built-in data set or a CSV file, written as CSV (row, prediction, target).")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "CHECKPOINT")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--out", required = true, paramLabel = "FILE.csv")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (java.nio.file.Files.exists(out)) {
            throw new UserError(out + " already exists; choose another --out");
        }
        Checkpoint.Loaded l = Checkpoint.load(model);
        ExperimentConfig c = Protocol.fromCheckpoint(l, data, null);
        RegressionData raw = Experiment.load(c);
        Normalizer norm = l.normalizer();
        if (norm.featureMean().length > 1 && raw.inputShape().length == 1 && norm.featureMean().length != raw.inputShape()[0]) {
            throw new DataException("the model was standardised for " + norm.featureMean().length + " features, "
                    + c.dataset() + " has " + raw.inputShape()[0]);
        }
        double[][] py = Predictions.of(l.model(), norm.apply(raw), norm);
        StringBuilder csv = new StringBuilder("row,prediction," + raw.targetName() + "\n");
        for (int i = 0; i < py[0].length; i++) {
            csv.append(i).append(',').append(String.format(Locale.ROOT, "%.6g", py[0][i])).append(',')
                    .append(String.format(Locale.ROOT, "%.6g", py[1][i])).append('\n');
        }
        AtomicFiles.writeString(out, csv.toString());
        System.out.println("wrote " + py[0].length + " predictions to " + out);
        return 0;
    }
}
