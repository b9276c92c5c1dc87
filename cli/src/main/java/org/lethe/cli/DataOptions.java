package org.lethe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which data: a built-in set ({@code --dataset}) or a user's CSV file ({@code --data} with {@code --target}). */
final class DataOptions {
    @Option(names = "--dataset", paramLabel = "NAME", description = "built-in data set (see 'lethe datasets')")
    String dataset;

    @Option(names = "--data", paramLabel = "FILE.csv", description = "a CSV file with a header row; all columns numeric")
    Path data;

    @Option(names = "--target", paramLabel = "COLUMN", description = "the target column of --data")
    String target;

    boolean given() {
        return dataset != null || data != null;
    }

    /** The data set key used by experiments: a built-in name or the CSV path. */
    String key() {
        if (dataset != null && data != null) {
            throw new UserError("give either --dataset or --data, not both");
        }
        if (data != null) {
            if (target == null) {
                throw new UserError("--data needs --target COLUMN");
            }
            return data.toString();
        }
        if (target != null && dataset != null) {
            throw new UserError("--target applies to --data files only; built-in sets have their target");
        }
        return dataset;
    }
}
