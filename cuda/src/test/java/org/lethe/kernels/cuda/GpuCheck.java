package org.lethe.kernels.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.lethe.engine.Rng;
import org.lethe.engine.TensorScope;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BackendProvider.Availability;
import org.lethe.kernels.Backends;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;
import org.lethe.kernels.View;
import org.lethe.kernels.cpu.CpuBackend;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.ProgressListener;
import org.lethe.models.train.StepWorkload;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.metrics.Predictions;

/**
 * The timing half of benchmarks/gpu-check.sh, for a machine with a GPU: each measurement validated
 * first, then timed, then reported as a rate.
 * <ul>
 *   <li>float32 GEMM, n x n x n for n = 256 ... 4096: Lethe's kernels and cuBLAS (where it loads),
 *       validated on 64 sampled entries against double-precision dot products, GFLOP/s from the
 *       median of timed runs;</li>
 *   <li>the training steps of {@link StepWorkload} (mlp, cnn, lstm) on the GPU and the CPU backend,
 *       after {@link StepWorkload#validate}: median milliseconds per step and the speed-up;</li>
 *   <li>one Blindspot unlearning pass (fashion-rotation, the protocol's settings) on both, and the
 *       largest difference between their predictions on the forget rows.</li>
 * </ul>
 * Prints the table last; with {@code --out DIR} also writes it to DIR/gpu-check.tsv. Exit status 0,
 * or 3 where no GPU is usable (the reason on one line), or 1 when a validation failed.
 * {@code --quick} measures less; {@code --emulator} runs the harness on the CUDA emulator at tiny
 * sizes (its timings mean nothing), to test this class without a GPU.
 */
public final class GpuCheck {
    private final List<String[]> rows = new ArrayList<>();
    private final PrintStream out = System.out;
    private boolean failed;

    public static void main(String[] args) throws IOException {
        Path dir = null;
        boolean quick = false;
        boolean emulator = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> dir = Path.of(args[++i]);
                case "--quick" -> quick = true;
                // the harness itself, tested without a GPU: tiny sizes on the CUDA emulator
                case "--emulator" -> emulator = true;
                default -> throw new IllegalArgumentException("usage: GpuCheck [--out DIR] [--quick] [--emulator]");
            }
        }
        if (emulator) {
            System.exit(new GpuCheck().run(dir, true, () -> Emulator.backend(4)));
        }
        Availability a = new CudaBackendProvider().probe();
        if (!a.available()) {
            System.out.println("gpu-check: no usable GPU: " + a.reason());
            System.exit(3);
        }
        System.exit(new GpuCheck().run(dir, quick, CudaBackend::open));
    }

    private int run(Path dir, boolean quick, Supplier<CudaBackend> device) throws IOException {
        int threads = Runtime.getRuntime().availableProcessors();
        try (CudaBackend gpu = device.get(); CpuBackend cpu = new CpuBackend(threads)) {
            out.println("gpu-check: " + gpu.description());
            out.println("gpu-check: " + cpu.description());
            row("check", "size", "lethe gpu", "reference", "ratio", "notes");
            gemm(gpu, cpu, quick ? new int[] {64, 256} : new int[] {256, 512, 1024, 2048, 4096});
            for (String w : StepWorkload.NAMES) {
                step(gpu, cpu, w, quick ? 3 : 30);
            }
            if (!quick) {
                blindspot(gpu, cpu);
            }
            out.println("gpu-check: allocator " + gpu.memoryStats());
        }
        StringBuilder table = new StringBuilder();
        int[] width = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", r[i]));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        out.println();
        out.print(table);
        if (dir != null) {
            Files.createDirectories(dir);
            StringBuilder tsv = new StringBuilder();
            for (String[] r : rows) {
                tsv.append(String.join("\t", r)).append('\n');
            }
            Files.writeString(dir.resolve("gpu-check.tsv"), tsv, StandardCharsets.UTF_8);
        }
        return failed ? 1 : 0;
    }

    private void row(String... cells) {
        rows.add(cells);
        out.println("gpu-check: " + String.join(" | ", cells));
    }

    private static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    // ---- GEMM ----------------------------------------------------------------------------------

    private void gemm(CudaBackend gpu, CpuBackend cpu, int[] sizes) {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : sizes) {
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextDouble() * 2 - 1);
                b[i] = (float) (r.nextDouble() * 2 - 1);
            }
            double own = gemmRate(gpu, CudaBackend.GemmMode.OWN, a, b, n);
            String note = "";
            double ref = Double.NaN;
            if (gpu.hasBlas()) {
                ref = gemmRate(gpu, CudaBackend.GemmMode.BLAS, a, b, n);
                note = "reference: cuBLAS";
            } else if (n <= 2048) {
                ref = gemmRate(cpu, null, a, b, n);
                note = "reference: Lethe CPU (" + noBlas() + ")";
            } else {
                note = noBlas();
            }
            gpu.setGemmMode(CudaBackend.GemmMode.AUTO);
            row("gemm f32 GFLOP/s", n + "^3", f(own, 0), Double.isNaN(ref) ? "-" : f(ref, 0),
                    Double.isNaN(ref) ? "-" : f(own / ref, 2), note);
        }
    }

    private static String noBlas() {
        String why = JCublasLibrary.unavailableReason();
        return "no cuBLAS" + (why == null ? "" : ": " + why);
    }

    /** GFLOP/s of C = A B on {@code be} (mode: the GPU's GEMM implementation), after checking 64 entries. */
    private double gemmRate(Backend be, CudaBackend.GemmMode mode, float[] a, float[] b, int n) {
        if (mode != null) {
            ((CudaBackend) be).setGemmMode(mode);
        }
        try (Buffer ba = be.allocate(DType.FLOAT32, n * n); Buffer bb = be.allocate(DType.FLOAT32, n * n);
             Buffer bc = be.allocate(DType.FLOAT32, n * n)) {
            be.write(ba, 0, a, 0, a.length);
            be.write(bb, 0, b, 0, b.length);
            View va = View.contiguous(ba, 0, 1, n, n);
            View vb = View.contiguous(bb, 0, 1, n, n);
            View vc = View.contiguous(bc, 0, 1, n, n);
            be.gemm(va, vb, vc, 1, 0);
            float[] c = new float[n * n];
            be.read(bc, 0, c, 0, c.length);
            SplittableRandom r = new SplittableRandom(n);
            for (int s = 0; s < 64; s++) {
                int i = r.nextInt(n);
                int j = r.nextInt(n);
                double ref = 0;
                for (int p = 0; p < n; p++) {
                    ref += (double) a[i * n + p] * b[p * n + j];
                }
                if (!(Math.abs(c[i * n + j] - ref) <= 1e-5 * n)) {
                    failed = true;
                    row("gemm validation", n + "^3", "FAILED", "", "", (mode == null ? "cpu" : mode.toString()) + " C[" + i + "," + j
                            + "] = " + c[i * n + j] + ", expected " + ref);
                    return Double.NaN;
                }
            }
            double flops = 2.0 * n * n * n;
            int reps = (int) Math.max(3, Math.min(50, 2e11 / flops));
            if (be.description().contains("emulator")) {
                reps = 1;
            }
            for (int w = 0; w < 2; w++) {
                be.gemm(va, vb, vc, 1, 0);
            }
            be.synchronize();
            double[] ms = new double[reps];
            for (int k = 0; k < reps; k++) {
                long t0 = System.nanoTime();
                be.gemm(va, vb, vc, 1, 0);
                be.synchronize();
                ms[k] = (System.nanoTime() - t0) / 1e6;
            }
            return flops / (median(ms) * 1e6);
        }
    }

    // ---- training steps ------------------------------------------------------------------------

    private void step(CudaBackend gpu, CpuBackend cpu, String name, int steps) {
        double g = stepMs(gpu, name, steps);
        double c = stepMs(cpu, name, steps);
        row("train step ms", name, f(g, 2), f(c, 2), f(c / g, 1) + "x", "reference: Lethe CPU, " + cpu.threads() + " threads");
    }

    private double stepMs(Backend be, String name, int steps) {
        Backends.setDefaultBackend(be);
        try {
            StepWorkload w = StepWorkload.create(name, 1);
            w.validate();
            for (int i = 0; i < Math.min(5, steps); i++) {
                w.step();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                w.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return median(ms);
        } catch (RuntimeException e) {
            failed = true;
            row("train step", name, "FAILED", "", "", be.name() + ": " + e);
            return Double.NaN;
        } finally {
            Backends.setDefaultBackend(null);
        }
    }

    // ---- Blindspot -----------------------------------------------------------------------------

    private void blindspot(CudaBackend gpu, CpuBackend cpu) {
        double[][] gp = new double[1][];
        double[][] cp = new double[1][];
        double g = blindspotMs(gpu, gp);
        double c = blindspotMs(cpu, cp);
        double diff = 0;
        if (gp[0] != null && cp[0] != null) {
            for (int i = 0; i < gp[0].length; i++) {
                diff = Math.max(diff, Math.abs(gp[0][i] - cp[0][i]));
            }
        }
        row("blindspot pass ms", "fashion-rotation", f(g, 0), f(c, 0), f(c / g, 1) + "x",
                "max |gpu - cpu| forget prediction " + String.format(Locale.ROOT, "%.2e", diff));
    }

    /** One Blindspot unlearning after one untimed pass; the forget rows' predictions of the timed one. */
    private double blindspotMs(Backend be, double[][] predictions) {
        Backends.setDefaultBackend(be);
        try {
            ExperimentConfig c = Defaults.forDataset("fashion-rotation", null, 0);
            UnlearningTask task = Experiment.task(c);
            RegressionModel original = TensorScope.detached((Supplier<RegressionModel>) () -> {
                RegressionModel m = Models.create(c.model(), new Rng(1));
                new Trainer(c.original().withEpochs(2), null).fit(m, task.train(), null);
                return m;
            });
            BlindspotUnlearner u = new BlindspotUnlearner(c.blindspot());
            try (TensorScope s = TensorScope.open()) {
                u.unlearn(original, task, 1, ProgressListener.NONE);
            }
            long t0 = System.nanoTime();
            try (TensorScope s = TensorScope.open()) {
                RegressionModel m = u.unlearn(original, task, 2, ProgressListener.NONE).model();
                be.synchronize();
                double ms = (System.nanoTime() - t0) / 1e6;
                predictions[0] = Predictions.of(m, task.forgetRows(), task.normalizer())[0];
                return ms;
            }
        } catch (RuntimeException e) {
            failed = true;
            row("blindspot pass", "fashion-rotation", "FAILED", "", "", be.name() + ": " + e);
            return Double.NaN;
        } finally {
            Backends.setDefaultBackend(null);
        }
    }
}
