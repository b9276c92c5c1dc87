package org.lethe.cli;

import java.util.concurrent.Callable;
import org.lethe.models.data.DataException;
import org.lethe.models.io.CheckpointException;
import org.lethe.models.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lethe} command. Without a subcommand it runs the main job: the paper's protocol with
 * every paper method on the default data set. Exit status: 0 success, 1 failure, 2 bad usage or bad
 * input (one line on standard error, no stack trace).
 */
@Command(name = "lethe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Machine unlearning for deep regression models.%n"
                + "Without a subcommand: the paper's protocol on the default data set (as 'lethe experiment').",
        subcommands = {DatasetsCommand.class, TrainCommand.class, UnlearnCommand.class, EvaluateCommand.class,
            PredictCommand.class, ExperimentCommand.class, LedgerCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** Prints the code version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lethe " + org.lethe.models.io.BuildInfo.codeVersion()};
        }
    }

    @Override
    public Integer call() {
        return new CommandLine(new ExperimentCommand()).setExecutionExceptionHandler(Main::handle).execute();
    }

    private static String[] arguments = new String[0];

    /** The command as typed, for results and reports. */
    static String commandLine() {
        StringBuilder sb = new StringBuilder("lethe");
        for (String a : arguments) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./:=,@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String... args) {
        arguments = args.clone();
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((e, a) -> {
            System.err.println("lethe: " + usageMessage(e) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        return cl.execute(args);
    }

    /** Picocli's message in one line; a word that is not a command or an argument is named as such. */
    private static String usageMessage(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            String word = u.getUnmatched().get(0);
            var commands = e.getCommandLine().getSubcommands().keySet();
            return commands.isEmpty() ? "unexpected argument '" + word + "'"
                    : "unknown command '" + word + "'; the commands are " + String.join(", ", commands);
        }
        String m = oneLine(e.getMessage());
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof CheckpointException && e.getCause() instanceof java.io.IOException) {
            // a checkpoint that cannot be written (disk full, no permission): a failure, not bad input
            System.err.println("\nlethe: " + oneLine(e.getMessage()));
            return 1;
        }
        if (e instanceof UserError || e instanceof DataException || e instanceof CheckpointException
                || e instanceof IllegalArgumentException) {
            System.err.println("\nlethe: " + oneLine(e.getMessage()));
            return 2;
        }
        if (e instanceof TrainingDivergedException || e instanceof Ledger.LedgerException) {
            System.err.println("\nlethe: " + oneLine(e.getMessage()));
            return 1;
        }
        System.err.println("\nlethe: failed: " + oneLine(e.toString()));
        if (System.getenv("LETHE_DEBUG") != null) {
            e.printStackTrace();
        } else {
            System.err.println("lethe: set LETHE_DEBUG=1 for the stack trace");
        }
        return 1;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s*[\r\n]+\\s*", " ").trim();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
