package org.lethe.cli;

import org.lethe.unlearning.experiment.ExperimentConfig;
import picocli.CommandLine.Option;

/** What {@code train} and {@code experiment} both let the user change in a data set's protocol. */
final class ProtocolOptions {
    @Option(names = "--model", paramLabel = "ARCH", description = "architecture (default: the data set's)")
    String model;

    @Option(names = "--epochs", description = "epochs of Original and Retrain (default: the data set's)")
    Integer epochs;

    @Option(names = "--loss", description = "l1, mse or huber (default: the data set's)")
    String loss;

    @Option(names = "--forget", paramLabel = "DEFINITION", description = "rows to forget (default: the data set's)")
    String forget;

    /** {@code c} with the options given on the command line applied. */
    ExperimentConfig apply(ExperimentConfig c) {
        return Protocol.override(c, model, epochs, forget, loss);
    }
}
