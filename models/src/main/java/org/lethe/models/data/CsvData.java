package org.lethe.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/** A user's table: every column but the target is a feature; all values must be finite numbers. */
public final class CsvData {
    private CsvData() {
    }

    /** Largest CSV file accepted (the table is held in memory, as text and as numbers). */
    public static final long MAX_BYTES = 1L << 30;

    public static RegressionData load(Path file, String target) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] bytes;
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new DataException(name + ": not a regular file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new DataException(name + ": " + Files.size(file) + " bytes, more than the " + MAX_BYTES
                        + " a CSV file may have");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file");
        } catch (IOException e) {
            throw new DataException(name + ": cannot be read (" + org.lethe.models.Messages.oneLine(e.getMessage()) + ")");
        }
        return fromBytes(name, bytes, target);
    }

    static RegressionData fromBytes(String name, byte[] bytes, String target) {
        CsvTable t = CsvTable.parse(name, bytes);
        int tc = t.column(name, target);
        int n = t.values.length;
        int f = t.columns.size() - 1;
        if (f == 0) {
            throw new DataException(name + ": the only column is the target '" + target + "'; no features");
        }
        double[] x = new double[n * f];
        double[] y = new double[n];
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0, k = 0; c < t.columns.size(); c++) {
            if (c == tc) {
                continue;
            }
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = t.values[i][c];
                x[i * f + k] = col[i];
            }
            columns.put(t.columns.get(c), col);
            k++;
        }
        for (int i = 0; i < n; i++) {
            y[i] = t.values[i][tc];
        }
        return new RegressionData(name, Tensor.of(DType.FLOAT32, x, n, f), y, columns, target,
                DataFiles.hash(bytes, "csv", target));
    }
}
