package org.lethe.kernels.cuda;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider;

/**
 * Registers the CUDA backend with {@link java.util.ServiceLoader} at priority 10 (chosen over the CPU
 * by {@code auto} when it can run). The probe loads JCuda's driver binding, initialises the driver
 * and checks the device against the PTX (driver release, compute capability); it never throws, and
 * it gives up after {@code lethe.cuda.probe.timeout} seconds (default 60) rather than hang on a
 * driver that does not answer. The result is computed once per process.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static volatile Availability cached;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability probe() {
        Availability a = cached;
        if (a == null) {
            synchronized (CudaBackendProvider.class) {
                a = cached;
                if (a == null) {
                    a = probeOnce();
                    cached = a;
                }
            }
        }
        return a;
    }

    private static Availability probeOnce() {
        int ordinal = Integer.getInteger("lethe.cuda.device", 0);
        long timeout = Long.getLong("lethe.cuda.probe.timeout", 60);
        FutureTask<Availability> task = new FutureTask<>(() -> {
            try {
                return JCudaDevice.probe(ordinal);
            } catch (LinkageError e) {
                // JCuda's classes themselves missing from the class path
                return Availability.no(nativeLibraryProblem(e));
            }
        });
        Thread t = new Thread(task, "lethe-cuda-probe");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(timeout, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return Availability.no("the CUDA driver did not answer within " + timeout + " s (lethe.cuda.probe.timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Availability.no("interrupted while probing the CUDA driver");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof VirtualMachineError v) {
                throw v;
            }
            return Availability.no("probing the CUDA driver failed: " + firstLine(String.valueOf(c)));
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("probing the CUDA driver failed: " + firstLine(String.valueOf(e)));
        }
    }

    @Override
    public Backend create() {
        return CudaBackend.open();
    }

    /** One line for a failure to load JCuda's driver binding. */
    static String nativeLibraryProblem(Throwable e) {
        String all = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        if (all.contains("libcuda.so")) {
            return "no NVIDIA driver: libcuda.so.1 is not installed (JCuda's driver binding needs it)";
        }
        if (e instanceof NoClassDefFoundError) {
            return "JCuda is not on the class path or failed to load earlier (" + firstLine(all) + ")";
        }
        return "JCuda's native driver binding did not load: " + firstLine(all);
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
