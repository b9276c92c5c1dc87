package org.lethe.cli;

import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;

/** {@code --device auto|cpu|cuda}: picks the backend and says which one runs. */
final class Device {
    private Device() {
    }

    static Backend use(String device) {
        String d = device == null ? "cpu" : device;
        if (!d.equals("auto") && !d.equals("cpu") && !d.equals("cuda")) {
            throw new UserError("--device must be auto, cpu or cuda, got '" + device + "'");
        }
        Backend b;
        try {
            b = Backends.select(d);
        } catch (IllegalArgumentException e) {
            // cuda is not built into this version: say so and run on the CPU
            System.err.println("lethe: backend " + d + " is not available in this build; using the CPU");
            b = Backends.select("cpu");
        }
        Backends.setDefaultBackend(b);
        return b;
    }
}
