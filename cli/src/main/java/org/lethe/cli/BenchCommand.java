package org.lethe.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lethe.kernels.Backend;
import org.lethe.models.train.StepWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe bench}: times one training step of the reference workloads (mlp, cnn, lstm) after
 * checking that they learn; a table, or with {@code --json} one object
 * {@code {"mlp": {"median_ms": ...}, "cnn": {...}, "lstm": {...}}}, with each workload's heap allocation
 * per timed step (all threads', from the JVM's per-thread counters; -1 where the JVM does not count).
 * For the comparison with PyTorch see
 * benchmarks/compare-pytorch.sh; for JMH, the benchmarks module.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the reference training steps (mlp, cnn, lstm: forward, MSE, backward, Adam).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Option(names = "--steps", defaultValue = "30", description = "timed steps per workload (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--workloads", split = ",", description = "subset of mlp,cnn,lstm")
    List<String> workloads;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() {
        if (steps < 3) {
            throw new UserError("--steps must be at least 3, got " + steps);
        }
        List<String> names = workloads == null ? StepWorkload.NAMES : workloads;
        for (String name : names) {
            if (!StepWorkload.NAMES.contains(name)) {
                throw new UserError("--workloads: unknown workload '" + name + "'; known: " + String.join(", ", StepWorkload.NAMES));
            }
        }
        Backend backend = device.use();
        Map<String, Object> out = new LinkedHashMap<>();
        Table t = new Table().row("workload", "median ms", "min ms", "max ms", "steps", "KiB/step");
        for (String name : names) {
            StepWorkload w = StepWorkload.create(name, 1);
            w.validate();
            for (int i = 0; i < Math.max(10, steps / 2); i++) {
                w.step();
            }
            double[] ms = new double[steps];
            long allocated = allocatedBytes();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                w.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            long after = allocatedBytes();
            double kib = allocated < 0 || after < 0 ? -1 : Math.max(0, after - allocated) / 1024.0 / steps;
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median_ms", median);
            m.put("min_ms", sorted[0]);
            m.put("max_ms", sorted[steps - 1]);
            m.put("steps", steps);
            m.put("alloc_kib_per_step", kib);
            out.put(name, m);
            t.row(name, fmt(median), fmt(sorted[0]), fmt(sorted[steps - 1]), Integer.toString(steps),
                    kib < 0 ? "-" : String.format(Locale.ROOT, "%.1f", kib));
        }
        if (json) {
            System.out.print(Json.write(out));
        } else {
            System.out.println("backend: " + backend.description());
            System.out.print(t.render());
        }
        return 0;
    }

    /**
     * Bytes allocated so far by the live threads (the caller's and the backend's workers, which live as
     * long as the backend), or -1 where the JVM does not count them.
     */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
                || !mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        long total = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            total += Math.max(0, b);
        }
        return total;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

}
