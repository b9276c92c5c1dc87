package org.lethe.cli;

import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.io.Checkpoint;

/**
 * The child process of {@link CrashSafetyTest}: rewrites one checkpoint, or one run folder's
 * {@code results.json} and {@code results.csv}, over and over with the real writers, until it is killed.
 * Version {@code seq} of each file is a pure function of {@code seq} and carries {@code seq} and a
 * SHA-256 of its payload, so the parent can tell a complete version from a partial one and can rebuild
 * the exact content of every version.
 *
 * <p>Arguments: {@code checkpoint|results FOLDER FIRST_SEQ [COUNT]}. It prints {@code ready} after one
 * warm-up write into a scratch folder, then {@code wrote SEQ} after each version is completely written
 * (all files of it); with COUNT it stops after that many versions, else it runs until killed.
 */
public final class CrashWriter {
    static final String CHECKPOINT = "model.safetensors";
    static final String JSON = "results.json";
    static final String CSV = "results.csv";
    /** About 330 kB of float32 weights, written in several 64 kB pieces. */
    static final ModelSpec SPEC = new ModelSpec("mlp", Map.of("inputs", 64, "hidden", List.of(256, 256), "dropout", 0.0));
    /** Rows of results per version: about 35 kB of JSON and 20 kB of CSV. */
    static final int ROWS = 500;

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        long first = Long.parseLong(args[2]);
        long count = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        Versions versions = new Versions();
        // One whole write into a scratch folder first, so that class loading and compilation are done
        // and the kills that follow land in writes like every later one.
        Path scratch = Files.createTempDirectory("lethe-crash-warm-up");
        write(mode, scratch, versions, first);
        try (var files = Files.list(scratch)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(scratch);
        System.out.println("ready");
        System.out.flush();
        for (long seq = first; seq - first < count; seq++) {
            write(mode, dir, versions, seq);
            System.out.println("wrote " + seq);
            System.out.flush();
        }
    }

    private static void write(String mode, Path dir, Versions versions, long seq) throws ReflectiveOperationException {
        if (mode.equals("checkpoint")) {
            RegressionModel m = versions.model(seq);
            Checkpoint.save(dir.resolve(CHECKPOINT), m, info(seq, m));
        } else {
            RunDirectory run = runDirectory(dir);
            run.write(JSON, json(seq));
            run.write(CSV, csv(seq));
        }
    }

    /**
     * The run folder of an experiment that is rewriting its files. {@link RunDirectory#create} refuses
     * a folder that is not empty (as it should for a new run); a rewrite needs the existing one, so the
     * private constructor is used here. Every file then goes through {@link RunDirectory#write}, the
     * path that results.json, results.csv, runs.csv, manifest.json, report.html and the charts take.
     */
    static RunDirectory runDirectory(Path dir) throws ReflectiveOperationException {
        Constructor<RunDirectory> c = RunDirectory.class.getDeclaredConstructor(Path.class);
        c.setAccessible(true);
        return c.newInstance(dir);
    }

    // ---- the content of version seq ---------------------------------------------------------------

    /**
     * The models of the versions: one network initialised once, whose first-layer biases are set from
     * the version number (cheap, so that most of a version's time is the write itself).
     */
    static final class Versions {
        private final RegressionModel model = Models.create(SPEC, new Rng(1));

        RegressionModel model(long seq) {
            Tensor bias = model.stateDict().get("layers.0.bias");
            double[] v = new double[bias.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = value(seq, i);
            }
            try (GradMode.Guard g = GradMode.noGrad()) {
                bias.copyFrom(Tensor.of(DType.FLOAT32, v, bias.shape()));
            }
            return model;
        }
    }

    static Checkpoint.Info info(long seq, RegressionModel m) {
        return new Checkpoint.Info(Map.of(), seq, "", Map.of(), "crash-test",
                Map.of("crash.seq", Long.toString(seq), "crash.sha256", weightsSha256(m)));
    }

    /** SHA-256 of every tensor's float32 values, little-endian, in state-dict order. */
    static String weightsSha256(RegressionModel m) {
        MessageDigest md = sha256();
        for (Map.Entry<String, Tensor> e : m.stateDict().tensors().entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            float[] v = e.getValue().toFloatArray();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                b.putFloat(f);
            }
            md.update(b.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static double value(long seq, int i) {
        return new Rng(seq * 1_000_003L + i).nextDouble();
    }

    /** results.json of version seq, written by the results writer's JSON code (Json.write). */
    static String json(long seq) {
        List<Object> runs = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            double v = value(seq, i);
            runs.add(Map.of("index", i, "value", v));
            payload.append(i).append(':').append(Double.toString(v)).append('\n');
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", ResultsWriter.FORMAT);
        root.put("seq", seq);
        root.put("runs", runs);
        root.put("sha256", hex(payload.toString()));
        return Json.write(root);
    }

    /** results.csv of version seq: a header, one row per value, and a last row with the count and checksum. */
    static String csv(long seq) {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            rows.append(seq).append(',').append(i).append(',').append(ResultsWriter.csvNumber(value(seq, i))).append('\n');
        }
        return "seq,index,value\n" + rows + String.format(Locale.ROOT, "end,%d,%s\n", ROWS, hex(rows.toString()));
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
