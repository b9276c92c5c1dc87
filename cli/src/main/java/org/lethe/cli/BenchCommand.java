package org.lethe.cli;

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
 * {@code {"mlp": {"median_ms": ...}, "cnn": {...}, "lstm": {...}}}. For the comparison with PyTorch see
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
        Table t = new Table().row("workload", "median ms", "min ms", "max ms", "steps");
        for (String name : names) {
            StepWorkload w = StepWorkload.create(name, 1);
            w.validate();
            for (int i = 0; i < Math.max(10, steps / 2); i++) {
                w.step();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                w.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median_ms", median);
            m.put("min_ms", sorted[0]);
            m.put("max_ms", sorted[steps - 1]);
            m.put("steps", steps);
            out.put(name, m);
            t.row(name, fmt(median), fmt(sorted[0]), fmt(sorted[steps - 1]), Integer.toString(steps));
        }
        if (json) {
            System.out.print(Json.write(out));
        } else {
            System.out.println("backend: " + backend.description());
            System.out.print(t.render());
        }
        return 0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

}
