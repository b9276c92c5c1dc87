package org.lethe.models.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on a terminal (redrawn in place with carriage returns) or one line per epoch
 * elsewhere: epoch, loss, validation loss, learning rate, time left.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintStream out;
    private final String label;
    private final boolean interactive;
    private long lastDraw;

    public ConsoleProgress(PrintStream out, String label, boolean interactive) {
        this.out = out;
        this.label = label;
        this.interactive = interactive;
    }

    /** On standard error, redrawn in place when a console is attached. */
    public static ConsoleProgress stderr(String label) {
        return new ConsoleProgress(System.err, label, System.console() != null);
    }

    @Override
    public void step(int epoch, int epochs, int step, int steps, double loss) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && step != steps) {
            return;
        }
        lastDraw = now;
        double done = ((epoch - 1) + step / (double) steps) / epochs;
        int width = 24;
        int filled = (int) Math.round(done * width);
        out.printf(Locale.ROOT, "\r%s epoch %d/%d [%s%s] %3.0f%% loss %.4g", label, epoch, epochs, "#".repeat(filled),
                "-".repeat(width - filled), 100 * done, loss);
        out.flush();
    }

    @Override
    public void epoch(EpochRecord r, int epochs, double secondsLeft) {
        // In a log (no terminal), about ten lines per phase: every tenth of the epochs and the last.
        if (!interactive && r.epoch() != epochs && r.epoch() % Math.max(1, epochs / 10) != 0) {
            return;
        }
        String val = Double.isNaN(r.validationLoss()) ? "" : String.format(Locale.ROOT, "  val %.4g", r.validationLoss());
        out.printf(Locale.ROOT, "%s%s epoch %d/%d  loss %.4g%s  lr %.3g  %.1fs, %s left%s%n", interactive ? "\r" : "", label,
                r.epoch(), epochs, r.trainLoss(), val, r.learningRate(), r.seconds(), duration(secondsLeft),
                interactive ? "          " : "");
        out.flush();
    }

    /** {@code 42s}, {@code 3m05s} or {@code 1h02m}. */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
