package org.lethe.models.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.lethe.engine.Tensor;
import org.lethe.kernels.CounterRandom;
import org.lethe.kernels.DType;

/**
 * The four built-in data sets, one per domain, shipped in {@code data/} with provenance and licences:
 * {@code concrete} (table), {@code fashion-rotation} (image), {@code vader} (text) and {@code taylor}
 * (time series). Each has a default model, a default forget set in the spirit of the paper's cohort
 * forgetting, and a split method.
 */
public final class BuiltinDatasets {

    /** What the command line lists about a built-in data set. */
    public record Info(String name, String domain, String description, int rows, String target, String licence,
                       String defaultForget, String forgetRationale, String defaultModel, String split) {
    }

    /** Image size of the rotation task. */
    public static final int IMAGE = 28;
    /** Past half-hours per window of the time-series task. */
    public static final int WINDOW = 24;
    /** Longest VADER token (characters); ids are left-padded to this length. */
    public static final int TEXT_LENGTH = 20;
    /** The angle range of the rotation task, in degrees. */
    public static final double MAX_ANGLE = 45;

    private static final List<Info> INFOS = List.of(
            new Info("concrete", "tabular", "Concrete compressive strength (Yeh, UCI): 8 mix ingredients and age", 1030,
                    "compressive_strength (MPa)", "CC BY 4.0", "target < 20",
                    "the weak-concrete cohort (197 rows, 19%): a target range, as the paper forgot ages <= 30",
                    "mlp", "random 70/10/20"),
            new Info("fashion-rotation", "image", "Fashion-MNIST (Zalando) images, each rotated about its centre by a "
                    + "seeded angle in [-45, 45] degrees (bilinear, zero fill)", 4000, "rotation angle (degrees)", "MIT",
                    "target < -30", "strongly clockwise-rotated images (about 1/6): a target range, as the paper forgot "
                    + "ages <= 30", "smallcnn", "random 70/10/20"),
            new Info("vader", "text", "VADER sentiment lexicon (Hutto and Gilbert): 7,517 words and emoticons, read as "
                    + "characters", 7517, "mean valence of ten ratings (-4..4)", "MIT (lexicon)", "target < -2",
                    "strongly negative entries (1,053, 14%): low scores, as the paper forgot similarity < 2", "char",
                    "random 70/10/20"),
            new Info("taylor", "time series", "Half-hourly electricity demand, England and Wales, June-August 2000: the "
                    + "past 24 half-hours predict the next", 4032 - WINDOW, "demand (MW)", "GPL-3.0",
                    "weekend == 1", "weekend days (about 2/7 of the windows): a group whose load differs, like the "
                    + "paper's electricity cohort", "lstm", "ordered 70/10/20 (no future leaks)"));

    private BuiltinDatasets() {
    }

    public static List<Info> list() {
        return INFOS;
    }

    public static Info info(String name) {
        for (Info i : INFOS) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        throw new DataException("unknown data set " + org.lethe.models.Messages.quote(name) + "; built-in: "
                + String.join(", ", INFOS.stream().map(Info::name).toList()));
    }

    /** Loads a built-in data set in its original units. */
    public static RegressionData load(String name) {
        switch (info(name).name()) {
            case "concrete": return concrete();
            case "fashion-rotation": return fashionRotation(4000, 0);
            case "vader": return vader();
            default: return taylor();
        }
    }

    /** The provenance record of a built-in set's folder. */
    public static byte[] provenance(String folder) {
        return DataFiles.read(folder, "provenance.json");
    }

    static RegressionData concrete() {
        byte[] bytes = DataFiles.read("concrete", "concrete.csv");
        RegressionData d = CsvData.fromBytes("concrete.csv", bytes, "compressive_strength");
        return new RegressionData("concrete", d.inputs(), d.targets(), d.columns(), d.targetName(),
                DataFiles.hash(bytes, "concrete"));
    }

    static RegressionData taylor() {
        return taylor(DataFiles.read("taylor", "taylor.csv"));
    }

    /** The time-series task from the bytes of {@code taylor.csv} (a {@code demand_mw} column, one row per half-hour). */
    static RegressionData taylor(byte[] bytes) {
        CsvTable t = CsvTable.parse("taylor.csv", bytes);
        int dc = t.column("taylor.csv", "demand_mw");
        int n = t.values.length;
        if (n <= WINDOW) {
            throw new DataException("taylor.csv: " + n + " half-hours, but a window needs " + WINDOW
                    + " past ones and the value to predict");
        }
        int rows = n - WINDOW;
        double[] x = new double[rows * WINDOW];
        double[] y = new double[rows];
        double[] index = new double[rows];
        double[] dow = new double[rows];
        double[] weekend = new double[rows];
        double[] hour = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < WINDOW; k++) {
                x[r * WINDOW + k] = t.values[r + k][dc];
            }
            int target = r + WINDOW;           // 0-based half-hour of the predicted value
            y[r] = t.values[target][dc];
            index[r] = target;
            dow[r] = (target / 48) % 7;       // 5 June 2000 was a Monday (0)
            weekend[r] = dow[r] >= 5 ? 1 : 0;
            hour[r] = (target % 48) / 2.0;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("t", index);
        cols.put("day_of_week", dow);
        cols.put("weekend", weekend);
        cols.put("hour", hour);
        return new RegressionData("taylor", Tensor.of(DType.FLOAT32, x, rows, WINDOW, 1), y, cols, "demand_mw",
                DataFiles.hash(bytes, "taylor", WINDOW));
    }

    /** The characters of the lexicon in code-point order; id 0 pads, ids 1.. are characters. */
    static List<Integer> vaderAlphabet(List<String> tokens) {
        TreeSet<Integer> cps = new TreeSet<>();
        for (String tok : tokens) {
            tok.codePoints().forEach(cps::add);
        }
        return new ArrayList<>(cps);
    }

    static RegressionData vader() {
        return vader(DataFiles.read("vader", "vader_lexicon.txt"));
    }

    /** The lexicon's entries: a token, a tab, the mean valence (further tab-separated fields are ignored). */
    private record Lexicon(List<String> tokens, double[] values) {
    }

    private static Lexicon lexicon(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataException("vader_lexicon.txt: not UTF-8 text");
        }
        List<String> tokens = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 2) {
                throw new DataException("vader_lexicon.txt: line " + lineNo + " has no valence field");
            }
            if (f[0].isEmpty()) {
                throw new DataException("vader_lexicon.txt: line " + lineNo + " has an empty token");
            }
            int length = f[0].codePointCount(0, f[0].length());
            if (length > TEXT_LENGTH) {
                throw new DataException("vader_lexicon.txt: line " + lineNo + ": the token is " + length
                        + " characters, longer than " + TEXT_LENGTH);
            }
            double v;
            try {
                v = Double.parseDouble(f[1]);
            } catch (NumberFormatException e) {
                throw new DataException("vader_lexicon.txt: line " + lineNo + ": " + org.lethe.models.Messages.quote(f[1]) + " is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new DataException("vader_lexicon.txt: line " + lineNo + ": " + org.lethe.models.Messages.quote(f[1]) + " is not a finite number");
            }
            tokens.add(f[0]);
            values.add(v);
        }
        if (tokens.isEmpty()) {
            throw new DataException("vader_lexicon.txt: no entries");
        }
        return new Lexicon(tokens, values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The text task from the bytes of {@code vader_lexicon.txt}. */
    static RegressionData vader(byte[] bytes) {
        Lexicon lex = lexicon(bytes);
        List<String> tokens = lex.tokens();
        List<Integer> alphabet = vaderAlphabet(tokens);
        Map<Integer, Integer> ids = new java.util.HashMap<>();
        for (int k = 0; k < alphabet.size(); k++) {
            ids.put(alphabet.get(k), k + 1);
        }
        int n = tokens.size();
        double[] x = new double[n * TEXT_LENGTH];
        double[] length = new double[n];
        double[] word = new double[n];
        for (int i = 0; i < n; i++) {
            int[] cps = tokens.get(i).codePoints().toArray();
            int pad = TEXT_LENGTH - cps.length;
            for (int k = 0; k < cps.length; k++) {
                x[i * TEXT_LENGTH + pad + k] = ids.get(cps[k]);
            }
            length[i] = cps.length;
            word[i] = tokens.get(i).matches("[A-Za-z'-]+") ? 1 : 0;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("length", length);
        cols.put("word", word);
        return new RegressionData("vader", Tensor.of(DType.FLOAT32, x, n, TEXT_LENGTH), lex.values(), cols, "valence",
                DataFiles.hash(bytes, "vader", TEXT_LENGTH));
    }

    /** Number of character ids of the text task (padding included). */
    public static int vaderVocabulary() {
        return vaderVocabulary(DataFiles.read("vader", "vader_lexicon.txt"));
    }

    static int vaderVocabulary(byte[] bytes) {
        return vaderAlphabet(lexicon(bytes).tokens()).size() + 1;
    }

    /** The angle applied to image {@code i}: uniform in [-45, 45), a pure function of the seed and the index. */
    public static double angle(long seed, int i) {
        return -MAX_ANGLE + 2 * MAX_ANGLE * CounterRandom.uniform(seed, i);
    }

    static RegressionData fashionRotation(int count, long angleSeed) {
        byte[] imagesGz = DataFiles.read("fashion-mnist", "train-images-idx3-ubyte.gz");
        byte[] labelsGz = DataFiles.read("fashion-mnist", "train-labels-idx1-ubyte.gz");
        byte[] images = gunzip("train-images-idx3-ubyte.gz", imagesGz, 16 + (long) MAX_IMAGES * IMAGE * IMAGE);
        byte[] labels = gunzip("train-labels-idx1-ubyte.gz", labelsGz, 8 + (long) MAX_IMAGES);
        return fashionRotation(images, labels, count, angleSeed, imagesGz, labelsGz);
    }

    /** Most images an IDX file may declare (Fashion-MNIST's training set has 60,000). */
    static final int MAX_IMAGES = 70_000;

    /**
     * The rotation task from the decompressed IDX files: {@code images} ({@code 0x00000803}, a count,
     * 28, 28, then the pixels) and {@code labels} ({@code 0x00000801}, a count, then one byte each);
     * the data hash covers the compressed files as shipped.
     */
    static RegressionData fashionRotation(byte[] images, byte[] labels, int count, long angleSeed, byte[] imagesGz,
                                          byte[] labelsGz) {
        ByteBuffer ib = ByteBuffer.wrap(images);
        ByteBuffer lb = ByteBuffer.wrap(labels);
        if (images.length < 16 || ib.getInt(0) != 0x803 || ib.getInt(8) != IMAGE || ib.getInt(12) != IMAGE) {
            throw new DataException("train-images-idx3-ubyte.gz: not an IDX file of 28x28 images");
        }
        if (labels.length < 8 || lb.getInt(0) != 0x801) {
            throw new DataException("train-labels-idx1-ubyte.gz: not an IDX label file");
        }
        int declaredImages = ib.getInt(4);
        int declaredLabels = lb.getInt(4);
        if (declaredImages < 1 || declaredImages > MAX_IMAGES) {
            throw new DataException("train-images-idx3-ubyte.gz: declares " + declaredImages + " images (1.." + MAX_IMAGES
                    + " accepted)");
        }
        if (declaredLabels < 1 || declaredLabels > MAX_IMAGES) {
            throw new DataException("train-labels-idx1-ubyte.gz: declares " + declaredLabels + " labels (1.." + MAX_IMAGES
                    + " accepted)");
        }
        if (images.length != 16 + (long) declaredImages * IMAGE * IMAGE) {
            throw new DataException("train-images-idx3-ubyte.gz: declares " + declaredImages + " images, needing "
                    + (16 + (long) declaredImages * IMAGE * IMAGE) + " bytes, but has " + images.length);
        }
        if (labels.length != 8 + (long) declaredLabels) {
            throw new DataException("train-labels-idx1-ubyte.gz: declares " + declaredLabels + " labels, needing "
                    + (8 + (long) declaredLabels) + " bytes, but has " + labels.length);
        }
        int n = Math.min(count, Math.min(declaredImages, declaredLabels));
        int px = IMAGE * IMAGE;
        float[] x = new float[n * px];
        double[] y = new double[n];
        double[] cls = new double[n];
        float[] img = new float[px];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < px; p++) {
                img[p] = (images[16 + i * px + p] & 0xff) / 255f;
            }
            y[i] = angle(angleSeed, i);
            System.arraycopy(ImageRotation.rotate(img, IMAGE, y[i]), 0, x, i * px, px);
            cls[i] = labels[8 + i] & 0xff;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("class", cls);
        return new RegressionData("fashion-rotation", Tensor.of(x, n, 1, IMAGE, IMAGE), y, cols, "angle",
                DataFiles.hash(imagesGz, labelsGz, "rotation", n, angleSeed));
    }

    /** Decompresses a gzip file of at most {@code limit} bytes (a larger one is refused, not read to the end). */
    static byte[] gunzip(String file, byte[] gz, long limit) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] out = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (out.length > limit) {
                throw new DataException(file + ": decompresses to more than " + limit + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new DataException(file + ": not a valid gzip file (" + e.getMessage() + ")");
        }
    }
}
