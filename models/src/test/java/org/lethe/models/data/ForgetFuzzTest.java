package org.lethe.models.data;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/**
 * Fuzz target: any text as a forget definition ({@code --forget}, a configuration's {@code forget},
 * {@code ;}-separated requests), resolved on a small data set with columns {@code target},
 * {@code x}, {@code class} and {@code weekend}. {@link ForgetSet#resolve} may only fail with a
 * {@link DataException}; a forget set it returns splits the training rows into two non-empty,
 * disjoint, sorted parts, and its held-out parts are the validation and test rows. Committed inputs:
 * {@code ForgetFuzzTestInputs/resolveForget/}.
 */
class ForgetFuzzTest {
    private static final int ROWS = 60;
    private static final RegressionData DATA;
    private static final Split SPLIT = Split.random(ROWS, 0.1, 0.2, 3);

    static {
        double[] x = new double[ROWS];
        double[] y = new double[ROWS];
        double[] cls = new double[ROWS];
        double[] weekend = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            x[i] = i * 0.5 - 7;
            y[i] = (i * 37 % 61) - 20.25;
            cls[i] = i % 10;
            weekend[i] = i % 7 >= 5 ? 1 : 0;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("class", cls);
        cols.put("weekend", weekend);
        DATA = new RegressionData("fuzz", Tensor.of(DType.FLOAT32, x, ROWS, 1), y, cols, "y", "sha256:fuzz");
    }

    private static boolean sortedDistinct(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    private static int[] union(int[] a, int[] b) {
        return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).sorted().toArray();
    }

    @FuzzTest
    @DictionaryEntries({"target", "class", "weekend", " in {", "random:", "ids:", "<=", ">=", "==", "!=", ";"})
    void resolveForget(byte[] input) {
        String spec = new String(input, StandardCharsets.UTF_8);
        ForgetSet f;
        try {
            f = ForgetSet.resolve(spec, DATA, SPLIT, 11);
        } catch (DataException expected) {
            FuzzChecks.oneLine(expected);
            return;
        }
        FuzzChecks.check(f.trainForget().length > 0 && f.trainRetain().length > 0, "an empty part: " + spec);
        FuzzChecks.check(sortedDistinct(f.trainForget()) && sortedDistinct(f.trainRetain()), "unsorted: " + spec);
        FuzzChecks.check(Arrays.equals(union(f.trainForget(), f.trainRetain()), SPLIT.train()),
                "the parts are not a partition of the training rows: " + spec);
        FuzzChecks.check(Arrays.equals(union(f.validationForget(), f.validationRetain()), SPLIT.validation()),
                "validation parts: " + spec);
        FuzzChecks.check(Arrays.equals(union(f.testForget(), f.testRetain()), SPLIT.test()), "test parts: " + spec);
    }
}
