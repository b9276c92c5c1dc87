package org.lethe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.lethe.models.io.AtomicFiles;

/**
 * A new folder for one run's files. An existing non-empty folder is refused (nothing the user had is
 * overwritten), and every file is written atomically.
 */
final class RunDirectory {
    final Path path;

    private RunDirectory(Path path) {
        this.path = path;
    }

    /** {@code out}, or {@code runs/<name>-<yyyyMMdd-HHmmss>} when it is null. */
    static RunDirectory create(Path out, String name) {
        Path p = out != null ? out
                : Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new UserError(p + " exists and is not a folder; choose another --out");
                }
                try (var s = Files.list(p)) {
                    if (s.findAny().isPresent()) {
                        throw new UserError(p + " already exists and is not empty; choose another --out");
                    }
                }
            } else {
                Outputs.checkParent(p);
            }
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UserError("cannot create " + p + ": " + e.getMessage());
        }
        return new RunDirectory(p);
    }

    Path file(String name) {
        return path.resolve(name);
    }

    void write(String name, String text) {
        try {
            AtomicFiles.writeString(path.resolve(name), text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + path.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    void write(String name, byte[] bytes) {
        try {
            AtomicFiles.write(path.resolve(name), out -> out.write(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + path.resolve(name) + ": " + e.getMessage(), e);
        }
    }
}
