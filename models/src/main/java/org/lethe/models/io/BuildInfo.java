package org.lethe.models.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The code version recorded in every checkpoint and result: the Maven version, plus the git commit
 * given by the launcher ({@code -Dlethe.commit}) or read from a {@code .git} folder in the working
 * directory, else "unknown".
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/lethe-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // the version stays unknown
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code 0.1.0-SNAPSHOT+<commit>}. */
    public static String codeVersion() {
        return VERSION + "+" + commit();
    }

    static String commit() {
        String given = System.getProperty("lethe.commit");
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        try {
            Path git = Path.of(".git");
            String head = Files.readString(git.resolve("HEAD")).trim();
            if (!head.startsWith("ref: ")) {
                return head.substring(0, Math.min(12, head.length()));
            }
            String ref = head.substring(5);
            Path refFile = git.resolve(ref);
            if (Files.exists(refFile)) {
                String c = Files.readString(refFile).trim();
                return c.substring(0, Math.min(12, c.length()));
            }
            for (String line : Files.readAllLines(git.resolve("packed-refs"))) {
                if (line.endsWith(" " + ref)) {
                    return line.substring(0, 12);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not in a checkout
        }
        return "unknown";
    }
}
