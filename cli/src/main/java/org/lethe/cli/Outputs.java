package org.lethe.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output path before any work is done: an existing file is never overwritten, and a path
 * that cannot be created (a file where a folder should be) is refused up front rather than after a
 * long run.
 */
final class Outputs {
    private Outputs() {
    }

    /** Refuses {@code out} if it exists or if one of its existing parents is not a folder. */
    static void checkNew(Path out, String option) {
        if (Files.exists(out)) {
            throw new UserError(out + " already exists; choose another " + option);
        }
        checkParent(out);
    }

    /** Refuses {@code p} when the nearest of its parents that exists is not a folder. */
    static void checkParent(Path p) {
        for (Path a = p.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) {
                    throw new UserError("cannot write " + p + ": " + a + " is not a folder");
                }
                return;
            }
        }
    }
}
