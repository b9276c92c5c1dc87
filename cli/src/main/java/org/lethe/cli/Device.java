package org.lethe.cli;

import java.util.Optional;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;
import org.lethe.kernels.Backends;

/**
 * {@code --device auto|cpu|cuda}: picks the backend and says which one runs.
 * <ul>
 *   <li>{@code cpu}: the CPU backend.</li>
 *   <li>{@code cuda}: the GPU, or a one-line error (exit status 2) saying why it cannot run here: no
 *       NVIDIA driver, no device, a driver too old for the kernels' PTX.</li>
 *   <li>{@code auto}: the GPU when it is usable, else the CPU; one line on standard error names the
 *       backend chosen and, when it is the CPU, why the GPU was not used.</li>
 * </ul>
 */
final class Device {
    private Device() {
    }

    static Backend use(String device) {
        String d = device == null ? "cpu" : device;
        Backend b = switch (d) {
            case "cpu" -> Backends.select("cpu");
            case "cuda" -> cuda();
            case "auto" -> auto();
            default -> throw new UserError("--device must be auto, cpu or cuda, got '" + device + "'");
        };
        Backends.setDefaultBackend(b);
        return b;
    }

    private static Optional<BackendProvider> provider(String name) {
        return Backends.providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Backend cuda() {
        BackendProvider p = provider("cuda").orElseThrow(
                () -> new UserError("--device cuda: this build of lethe has no CUDA backend (lethe-cuda is not on the class path)"));
        BackendProvider.Availability a = p.probe();
        if (!a.available()) {
            throw new UserError("--device cuda: no usable GPU: " + a.reason() + " (--device auto or cpu runs on the CPU)");
        }
        try {
            return p.create();
        } catch (RuntimeException | LinkageError e) {
            throw new UserError("--device cuda: the CUDA backend did not start: " + e.getMessage());
        }
    }

    private static Backend auto() {
        String why = null;
        Optional<BackendProvider> p = provider("cuda");
        if (p.isEmpty()) {
            why = "this build has no CUDA backend";
        } else {
            BackendProvider.Availability a = p.get().probe();
            if (a.available()) {
                try {
                    Backend b = p.get().create();
                    System.err.println("lethe: --device auto: " + b.description());
                    return b;
                } catch (RuntimeException | LinkageError e) {
                    why = "the CUDA backend did not start: " + e.getMessage();
                }
            } else {
                why = a.reason();
            }
        }
        // the CPU provider directly: Backends.select would log a second, two-line announcement
        Backend cpu = provider("cpu").map(BackendProvider::create).orElseGet(() -> Backends.select("cpu"));
        System.err.println("lethe: --device auto: " + cpu.description() + "; no GPU: " + why);
        return cpu;
    }
}
