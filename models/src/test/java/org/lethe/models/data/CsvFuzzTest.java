package org.lethe.models.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target: any bytes as a user's CSV file with target column {@code y}
 * ({@code --data FILE.csv --target y}). {@link CsvData} may only fail with a {@link DataException};
 * a table it accepts has at least one row and one feature, and only finite values. Committed
 * inputs: {@code CsvFuzzTestInputs/loadCsv/}.
 */
class CsvFuzzTest {
    @FuzzTest
    void loadCsv(byte[] input) {
        RegressionData d;
        try {
            d = CsvData.fromBytes("data.csv", input, "y");
        } catch (DataException expected) {
            FuzzChecks.oneLine(expected);
            return;
        }
        FuzzChecks.check(d.size() > 0, "no rows");
        FuzzChecks.check(d.inputShape().length == 1 && d.inputShape()[0] > 0, "no features");
        for (double v : d.targets()) {
            FuzzChecks.check(Double.isFinite(v), "target " + v);
        }
        for (double v : d.inputs().toDoubleArray()) {
            FuzzChecks.check(Double.isFinite((float) v), "feature " + v + " is not finite as float32");
        }
    }
}
