package org.lethe.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python 3 that can import torch (LETHE_PYTHON, else Debian's /usr/bin/python3, else python3
 * on the PATH) and runs the test scripts with it. Tests that need it are skipped when none is found.
 */
final class PythonTorch {
    private static String interpreter;
    private static boolean probed;

    private PythonTorch() {
    }

    /** The interpreter, or null when no Python with torch is available. */
    static synchronized String interpreter() {
        if (!probed) {
            probed = true;
            List<String> candidates = new ArrayList<>();
            String env = System.getenv("LETHE_PYTHON");
            if (env != null && !env.isBlank()) {
                candidates.add(env);
            }
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
            for (String c : candidates) {
                try {
                    Result r = run(List.of(c, "-c", "import torch; print(torch.__version__)"), 120);
                    if (r.exit() == 0) {
                        interpreter = c;
                        break;
                    }
                } catch (IOException ignored) {
                    // try the next one
                }
            }
        }
        return interpreter;
    }

    record Result(int exit, String output) {
    }

    static Result script(Path script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(interpreter());
        cmd.add(script.toString());
        cmd.addAll(args);
        return run(cmd, 600);
    }

    private static Result run(List<String> cmd, int seconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
