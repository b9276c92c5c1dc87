package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX is what the kernel sources compile to. Everywhere: each PTX file records the
 * SHA-256 of its inputs (cuda/build-ptx.sh), which must equal the hash of the sources now. Where
 * nvcc is on the PATH: recompiling gives the committed text (skipped if this nvcc is another release
 * than the one that wrote it). Where ptxas is on the PATH: it assembles every module for sm_90
 * (Hopper), and the GEMM kernels neither spill registers nor exceed the 255-register limit.
 */
class PtxFreshnessTest {
    private static final Path SRC = Path.of("src/main/cuda");
    private static final Path RESOURCES = Path.of("src/main/resources/org/lethe/kernels/cuda");

    private static List<String> kernelFiles() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(SRC)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - 3)));
        }
        return names;
    }

    private static String flags(String module) {
        return "-ptx -arch=compute_80 -O3 -std=c++17 " + (module.equals("gemm") ? "--fmad=true" : "--fmad=false");
    }

    /** The hash build-ptx.sh records: flags and a newline, the .cu file, then every .cuh in name order. */
    static String sourceHash(String module) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((flags(module) + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(SRC.resolve(module + ".cu")));
        TreeSet<String> headers = new TreeSet<>();
        try (Stream<Path> s = Files.list(SRC)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cuh")).forEach(headers::add);
        }
        for (String h : headers) {
            sha.update(Files.readAllBytes(SRC.resolve(h)));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void everyKernelFileHasAModuleThatTheBackendLoads() throws IOException {
        assertEquals(new TreeSet<>(kernelFiles()), new TreeSet<>(Ptx.MODULES),
                "the .cu files in " + SRC + " and Ptx.MODULES must name the same modules");
        for (String m : Ptx.MODULES) {
            assertTrue(Files.exists(RESOURCES.resolve(m + ".ptx")), m + ".ptx is missing: run cuda/build-ptx.sh");
            assertTrue(!Ptx.entries(Ptx.text(m)).isEmpty(), m + ".ptx defines no kernel");
        }
    }

    @Test
    void committedPtxRecordsTheHashOfTheCurrentSources() throws Exception {
        List<String> stale = new ArrayList<>();
        for (String m : kernelFiles()) {
            String first = Files.readAllLines(RESOURCES.resolve(m + ".ptx"), StandardCharsets.US_ASCII).get(0);
            if (!first.equals("// lethe-source-sha256: " + sourceHash(m))) {
                stale.add(m);
            }
        }
        assertTrue(stale.isEmpty(), "the PTX of " + stale + " is stale: run cuda/build-ptx.sh where nvcc is installed and commit"
                + " the PTX");
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + cmd);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    private static String onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String release(String text) {
        Matcher m = Pattern.compile("release (\\d+\\.\\d+)").matcher(text);
        return m.find() ? m.group(1) : "?";
    }

    @Test
    void recompilingTheSourcesGivesTheCommittedPtx() throws Exception {
        String nvcc = onPath("nvcc");
        assumeTrue(nvcc != null, "nvcc is not on the PATH");
        String here = release(run(List.of(nvcc, "--version")));
        String committed = release(Ptx.text(Ptx.MODULES.get(0)));
        assumeTrue(here.equals(committed), "the committed PTX is from CUDA " + committed + ", this nvcc is " + here);
        Path dir = Files.createTempDirectory("lethe-ptx");
        List<String> stale = new ArrayList<>();
        for (String m : kernelFiles()) {
            Path out = dir.resolve(m + ".ptx");
            List<String> cmd = new ArrayList<>(List.of(nvcc));
            cmd.addAll(List.of(flags(m).split(" ")));
            cmd.addAll(List.of("-I" + SRC, SRC.resolve(m + ".cu").toString(), "-o", out.toString()));
            run(cmd);
            String fresh = Files.readString(out, StandardCharsets.US_ASCII);
            String kept = Files.readString(RESOURCES.resolve(m + ".ptx"), StandardCharsets.US_ASCII);
            // the committed file has two header lines of its own (hash, flags) before nvcc's text
            String body = kept.substring(kept.indexOf('\n', kept.indexOf('\n') + 1) + 1);
            if (!body.equals(fresh)) {
                stale.add(m);
            }
            Files.delete(out);
        }
        Files.delete(dir);
        assertTrue(stale.isEmpty(), "nvcc compiles " + stale + " to PTX other than the committed: run cuda/build-ptx.sh --force and"
                + " commit the PTX");
    }

    @Test
    void ptxasAssemblesEveryModuleForHopperWithoutSpills() throws Exception {
        String ptxas = onPath("ptxas");
        assumeTrue(ptxas != null, "ptxas is not on the PATH");
        Path dir = Files.createTempDirectory("lethe-cubin");
        List<String> problems = new ArrayList<>();
        Pattern fn = Pattern.compile("Compiling entry function '(\\w+)'");
        Pattern regs = Pattern.compile("Used (\\d+) registers");
        Pattern spill = Pattern.compile("(\\d+) bytes spill stores");
        for (String m : Ptx.MODULES) {
            Path out = dir.resolve(m + ".cubin");
            String log = run(List.of(ptxas, "-arch=sm_90", "-v", RESOURCES.resolve(m + ".ptx").toString(), "-o", out.toString()));
            String kernel = "?";
            for (String line : log.split("\n")) {
                Matcher f = fn.matcher(line);
                if (f.find()) {
                    kernel = f.group(1);
                }
                Matcher s = spill.matcher(line);
                if (s.find() && Integer.parseInt(s.group(1)) > 0 && kernel.startsWith("gemm")) {
                    problems.add(kernel + " spills " + s.group(1) + " bytes");
                }
                Matcher r = regs.matcher(line);
                if (r.find() && Integer.parseInt(r.group(1)) > 255) {
                    problems.add(kernel + " uses " + r.group(1) + " registers");
                }
            }
            Files.delete(out);
        }
        Files.delete(dir);
        assertTrue(problems.isEmpty(), problems.toString());
    }
}
