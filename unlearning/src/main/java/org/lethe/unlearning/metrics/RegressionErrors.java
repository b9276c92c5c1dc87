package org.lethe.unlearning.metrics;

/**
 * Error of predictions against targets, in the targets' units: MAE, MSE, RMSE and R^2
 * ({@code 1 - SS_res / SS_tot}, SS_tot about these targets' mean). All NaN over no rows; R^2 is NaN
 * when the targets do not vary.
 */
public record RegressionErrors(int n, double mae, double mse, double rmse, double r2) {

    public static RegressionErrors of(double[] predictions, double[] targets) {
        if (predictions.length != targets.length) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + targets.length + " targets");
        }
        int n = targets.length;
        if (n == 0) {
            return new RegressionErrors(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double abs = 0;
        double sq = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double d = predictions[i] - targets[i];
            abs += Math.abs(d);
            sq += d * d;
            mean += targets[i];
        }
        mean /= n;
        double tot = 0;
        for (double t : targets) {
            tot += (t - mean) * (t - mean);
        }
        double mse = sq / n;
        return new RegressionErrors(n, abs / n, mse, Math.sqrt(mse), tot > 0 ? 1 - sq / tot : Double.NaN);
    }
}
