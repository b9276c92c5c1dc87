package org.lethe.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed PTX of the kernel files ({@code src/main/cuda/*.cu}, compiled by nvcc for a virtual
 * architecture so that the driver compiles it for whatever GPU it finds): the module texts, the
 * kernels each defines, and the CUDA release that produced them (a driver must support at least
 * that release to load them).
 */
final class Ptx {
    /** One PTX module per kernel file, in the order they are loaded. */
    static final List<String> MODULES = List.of("elementwise", "reduce", "gemm", "conv", "pool", "index", "lstm", "adam",
            "random");
    static final String RESOURCE_DIR = "/org/lethe/kernels/cuda/";

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    private static final Pattern RELEASE = Pattern.compile("Cuda compilation tools, release (\\d+)\\.(\\d+)");
    private static final Pattern TARGET = Pattern.compile("(?m)^\\.target\\s+sm_(\\d+)");

    private Ptx() {
    }

    /** The text of module {@code name}. */
    static String text(String name) {
        String path = RESOURCE_DIR + name + ".ptx";
        try (InputStream in = Ptx.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the PTX resource " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** The kernels a module defines. */
    static List<String> entries(String ptx) {
        List<String> names = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Kernel name to module name, over all modules. */
    static Map<String, String> kernelModules() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String module : MODULES) {
            for (String k : entries(text(module))) {
                String before = map.put(k, module);
                if (before != null) {
                    throw new IllegalStateException("kernel " + k + " is defined in both " + before + " and " + module);
                }
            }
        }
        return map;
    }

    /** The CUDA release (major * 1000 + minor * 10, the driver API's encoding) whose nvcc wrote the PTX. */
    static int cudaRelease() {
        Matcher m = RELEASE.matcher(text(MODULES.get(0)));
        if (!m.find()) {
            throw new IllegalStateException("the PTX does not say which CUDA release produced it");
        }
        return Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) * 10;
    }

    /** The lowest compute capability (major * 10 + minor) the PTX targets. */
    static int targetArchitecture() {
        Matcher m = TARGET.matcher(text(MODULES.get(0)));
        if (!m.find()) {
            throw new IllegalStateException("the PTX has no .target line");
        }
        return Integer.parseInt(m.group(1));
    }

    /** "13.0" for 13000. */
    static String release(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }
}
