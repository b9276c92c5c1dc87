package org.lethe.cli;

import java.util.concurrent.Callable;
import org.lethe.models.data.BuiltinDatasets;
import picocli.CommandLine.Command;

/** {@code lethe datasets}: the built-in data sets. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List the built-in data sets with size, target, licence and default forget set.")
final class DatasetsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Table t = new Table().row("name", "domain", "rows", "target", "licence", "default forget", "model", "split");
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            t.row(i.name(), i.domain(), Integer.toString(i.rows()), i.target(), i.licence(), i.defaultForget(), i.defaultModel(),
                    i.split());
        }
        System.out.print(t.render());
        System.out.println();
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            System.out.println(i.name() + ": " + i.description() + ". Default forget: " + i.forgetRationale() + ".");
        }
        System.out.println("\nYour own data: --data FILE.csv --target COLUMN (default forget: random:0.1). "
                + "Sources and licences: data/README.md.");
        return 0;
    }
}
