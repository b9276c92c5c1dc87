package org.lethe.kernels.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds and loads the CUDA emulator's native library: the kernel files of src/main/cuda with
 * src/test/emulator's runtime, compiled by g++ into target/emulator (rebuilt when any input
 * changes), the kernels registered from the committed PTX's entry list so that the emulator runs
 * exactly the kernels a GPU would load.
 *
 * <p>What a test on the emulator shows: the CUDA backend's Java code and the kernels' indexing,
 * bounds (a guard after every block catches writes past its end), barriers (threads between two
 * barriers run in alternating orders) and arithmetic (host libm, no fused multiply-add) are right.
 * What it does not show: that JCuda's binding, the PTX JIT or the GPU behave, how fast anything is,
 * or races between blocks (blocks run one after another).
 */
final class Emulator {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static String problem;
    private static boolean loaded;

    private Emulator() {
    }

    /** Null when the emulator is usable here, else why not (for a JUnit assumption). */
    static synchronized String unavailable() {
        if (!loaded && problem == null) {
            try {
                build();
            } catch (RuntimeException | IOException | LinkageError e) {
                problem = "the CUDA emulator could not be built: " + e.getMessage();
            }
        }
        return problem;
    }

    static synchronized void load() {
        String p = unavailable();
        if (p != null) {
            throw new IllegalStateException(p);
        }
    }

    private static void build() throws IOException {
        String prebuilt = System.getProperty("lethe.emulator.library");
        if (prebuilt != null) {
            // a library built earlier (a runtime without a JDK's headers: GpuCheck --emulator from the GPU pack)
            System.load(Path.of(prebuilt).toAbsolutePath().toString());
            loaded = true;
            return;
        }
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            problem = "the CUDA emulator runs on Linux only (ucontext fibers)";
            return;
        }
        String gxx = findOnPath("g++");
        if (gxx == null) {
            problem = "g++ is not on the PATH (the CUDA emulator compiles the kernels for the host)";
            return;
        }
        Path jni = Path.of(System.getProperty("java.home"), "include");
        if (!Files.exists(jni.resolve("jni.h"))) {
            problem = "no jni.h under " + jni + " (a JDK, not a JRE, is needed to build the emulator)";
            return;
        }
        Path src = MODULE.resolve("src/main/cuda");
        Path emu = MODULE.resolve("src/test/emulator");
        Path out = MODULE.resolve("target/emulator");
        Files.createDirectories(out);
        StringBuilder kernelsInc = new StringBuilder();
        for (String module : Ptx.MODULES) {
            kernelsInc.append("#include \"").append(module).append(".cu\"\n");
        }
        StringBuilder registryInc = new StringBuilder();
        for (String module : Ptx.MODULES) {
            for (String k : Ptx.entries(Ptx.text(module))) {
                registryInc.append("EMU_KERNEL(").append(k).append(")\n");
            }
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.list(src), Files.list(emu))) {
            s.sorted().forEach(inputs::add);
        }
        for (Path p : inputs) {
            sha.update(Files.readAllBytes(p));
        }
        sha.update(kernelsInc.toString().getBytes(StandardCharsets.UTF_8));
        sha.update(registryInc.toString().getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        Path lib = out.resolve("libletheemu-" + hash + ".so");
        if (!Files.exists(lib)) {
            Files.writeString(out.resolve("kernels.inc"), kernelsInc);
            Files.writeString(out.resolve("registry.inc"), registryInc);
            Path tmp = out.resolve("libletheemu-" + hash + ".so.tmp");
            List<String> cmd = List.of(gxx, "-std=c++17", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-strict-aliasing",
                    "-Wall", "-Wno-unknown-pragmas", "-I" + emu, "-I" + src, "-I" + out, "-I" + jni, "-I" + jni.resolve("linux"),
                    emu.resolve("emu_runtime.cpp").toString(), "-o", tmp.toString());
            Path log = out.resolve("build.log");
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!proc.waitFor(10, TimeUnit.MINUTES)) {
                    proc.destroyForcibly();
                    throw new IllegalStateException("g++ did not finish in 10 minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building the emulator");
            }
            if (proc.exitValue() != 0) {
                throw new IllegalStateException("g++ failed (" + log + "):\n" + Files.readString(log));
            }
            Files.move(tmp, lib);
        }
        System.load(lib.toString());
        loaded = true;
    }

    private static String findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** A CUDA backend over the emulator with {@code sms} emulated multiprocessors (sizes grids and tiles). */
    static CudaBackend backend(int sms) {
        return new CudaBackend(new EmulatedDevice(sms), CudaBackend.GemmMode.OWN);
    }
}
