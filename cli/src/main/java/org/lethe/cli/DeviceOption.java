package org.lethe.cli;

import org.lethe.kernels.Backend;
import picocli.CommandLine.Option;

/** {@code --device}: where the tensors live. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE})")
    String device;

    /** Selects the backend for this process (a clear error when it is not available). */
    Backend use() {
        return Device.use(device);
    }
}
