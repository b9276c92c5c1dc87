package org.lethe.kernels.cpu;

import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;

/** Registers the CPU backend with {@link java.util.ServiceLoader}; always available. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.yes("pure Java");
    }

    @Override
    public Backend create() {
        return new CpuBackend(CpuBackend.defaultThreads());
    }
}
