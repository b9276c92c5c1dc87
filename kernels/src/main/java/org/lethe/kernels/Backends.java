package org.lethe.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds and chooses backends. Selection order: the name given explicitly ({@link #select(String)}, or
 * the system property {@code lethe.backend}, or the environment variable {@code LETHE_BACKEND}),
 * else the available provider with the highest priority, else the CPU backend. {@code auto} means
 * "no explicit choice". The choice is logged once. An explicitly named backend that cannot run
 * here falls back to the CPU with a one-line message naming the reason, never an exception.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("org.lethe.kernels");
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** All providers on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            list.add(p);
        }
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /**
     * The process-wide default backend, chosen on first use from {@code lethe.backend} /
     * {@code LETHE_BACKEND} or the best available provider.
     */
    public static Backend defaultBackend() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                b = defaultBackend;
                if (b == null) {
                    String requested = System.getProperty("lethe.backend", System.getenv("LETHE_BACKEND"));
                    b = select(requested);
                    defaultBackend = b;
                }
            }
        }
        return b;
    }

    /** Replaces the process-wide default backend. */
    public static synchronized void setDefaultBackend(Backend backend) {
        defaultBackend = backend;
    }

    /**
     * Creates the backend named {@code name} ({@code null}, empty or {@code auto}: the best available).
     * An unknown name is an {@link IllegalArgumentException}; a known backend that cannot run here
     * yields the CPU backend and a logged reason.
     */
    public static Backend select(String name) {
        List<BackendProvider> providers = providers();
        String wanted = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        if (wanted.isEmpty() || wanted.equals("auto")) {
            for (BackendProvider p : providers) {
                BackendProvider.Availability a = p.probe();
                if (a.available()) {
                    return announce(p.create(), "auto");
                }
                if (!p.name().equals("cpu")) {
                    LOG.log(System.Logger.Level.INFO, "backend " + p.name() + " not used: " + a.reason());
                }
            }
            return announce(cpu(providers).create(), "auto (fallback)");
        }
        for (BackendProvider p : providers) {
            if (p.name().equals(wanted)) {
                BackendProvider.Availability a = p.probe();
                if (a.available()) {
                    return announce(p.create(), "requested");
                }
                LOG.log(System.Logger.Level.WARNING,
                        "backend " + wanted + " is not usable here (" + a.reason() + "); using the CPU backend");
                return announce(cpu(providers).create(), "fallback");
            }
        }
        List<String> names = providers.stream().map(BackendProvider::name).toList();
        throw new IllegalArgumentException("unknown backend '" + name + "'; available: auto, " + String.join(", ", names));
    }

    private static BackendProvider cpu(List<BackendProvider> providers) {
        return providers.stream().filter(p -> p.name().equals("cpu")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the CPU backend provider is missing from the class path"));
    }

    private static Backend announce(Backend b, String how) {
        LOG.log(System.Logger.Level.INFO, "backend: " + b.description() + " [" + how + "]");
        return b;
    }
}
