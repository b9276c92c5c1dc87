package org.lethe.models.train;

/** Receives training progress; {@link ConsoleProgress} draws it on the terminal. */
public interface ProgressListener {
    /** After each optimiser step: epoch (1-based), step within the epoch (1-based), steps per epoch, running loss. */
    default void step(int epoch, int epochs, int step, int steps, double loss) {
    }

    /** After each epoch. */
    default void epoch(EpochRecord record, int epochs, double secondsLeft) {
    }

    /** Silence. */
    ProgressListener NONE = new ProgressListener() {
    };
}
