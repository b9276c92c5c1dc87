package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.models.ModelOutput;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Module;
import org.lethe.models.train.ProgressListener;
import org.lethe.unlearning.metrics.Predictions;

/**
 * Certified removal for a ridge head on frozen features (Guo, Goldstein, Hannun and van der Maaten,
 * "Certified Data Removal from Machine Learning Models", ICML 2020, arXiv 1911.03030), ported to
 * regression. No training.
 *
 * <p>The body of the original (everything before its last layer, a {@link Linear} to one output) is
 * frozen; {@code φ(x)} is the last layer's input ({@link ModelOutput#headInput()}), computed for every
 * training row in evaluation mode without a graph, and {@code φ̃ = [φ, 1]}. The head is refitted as the
 * ridge regression of {@link RidgeHead} on all training rows D, {@code θ = argmin L_b(θ; D)} in closed
 * form (Cholesky of {@code H(D) = Φ̃ᵀΦ̃ + λnI}; "the model before removal"). Removing the m forget rows
 * F, leaving D′ with n − m rows, is Guo et al.'s Newton step:
 *
 * <pre>
 *   Δ = ∇L_b(θ; D) − ∇L_b(θ; D′) = Σ_{i∈F} (θᵀφ̃_i − y_i) φ̃_i + λ m θ     (the removed terms and the change of λn)
 *   θ⁻ = θ + H(D′)⁻¹ Δ,   H(D′) = Σ_{i∈D′} φ̃_i φ̃_iᵀ + λ(n − m) I
 * </pre>
 *
 * ({@code ∇L_b(θ; D) = 0}, so {@code ∇L_b(θ; D′) = −Δ}). Mode {@code batch} removes F at once, solving
 * with the Cholesky factor of H(D′); mode {@code sequential} removes the rows one at a time in training
 * order, each with its own Δ at the current θ and {@code H⁻¹} downdated by Sherman–Morrison: removing
 * a row changes H by {@code −φ̃φ̃ᵀ − λI}, and since λI is not of rank one it is applied as p coordinate
 * downdates {@code −λ e_c e_cᵀ} (every intermediate matrix lies between the two Hessians, so stays
 * positive definite); O(p³) per row, as much as a fresh factorisation, so the mode exists to follow
 * Guo et al.'s one-request-at-a-time removal, not for speed. The squared loss has a constant Hessian,
 * so either form lands on the exact minimiser of {@code L_b(·; D′)}, the ridge fit on the remaining rows.
 *
 * <p>Certificate. With γ the Lipschitz constant of the loss's second derivative (ℓ''(z) = 1 for
 * {@code ℓ = ½(z − y)²}, so γ = 0), Guo et al.'s data-dependent bound (their Corollary 1) on the
 * gradient residual is {@code ‖∇L_b(θ⁻; D′)‖₂ ≤ γ ‖X‖₂ ‖H⁻¹Δ‖₂ ‖X H⁻¹Δ‖₂}, X the rows φ̃_i of D′. They
 * assume {@code ‖x_i‖₂ ≤ 1}; features are not scaled so, and the same proof without that assumption
 * gives the factor {@code max_i ‖φ̃_i‖₂} more, which we include ({@link #GAMMA} times the rest; summed
 * over the rows in sequential mode, as they accumulate it over removals). With objective perturbation
 * ({@code b ~ N(0, σ²I)}, seeded, {@code σ > 0}), their Theorem 3 certifies (ε, δ)-removal for
 * {@code ε = bound · sqrt(2 ln(1.5/δ)) / σ} ({@link #epsilon}). The default σ = 0 is exact removal of
 * the head (ε = 0 because the bound is 0). The certificate covers the head only: the frozen body was
 * trained on D, forget rows included, whereas Guo et al. assume a feature extractor trained on public
 * data; the body still carries whatever it learnt from the forget rows.
 *
 * <p>The returned model is a deep copy of the original with the last layer's weight and bias set to
 * θ⁻ (float32); every other tensor is bit-identical. {@code steps}: 0 (batch) or the number of rows
 * downdated (sequential); {@code seconds}: the removal only (Δ, the solve or downdates, the bound,
 * writing the head), since the features and the fit are made once, before any request; {@code details}
 * has the fit's time ({@code fit_seconds}) and the rest (docs/results-format.md).
 *
 * <p>Defaults: λ = {@value #DEFAULT_LAMBDA}, batch, σ = 0, δ = 1e-4. λ is ours, measured on concrete
 * (docs/methods.md): from 1e-6 to 1e-2 the ridge head's test errors stay at or below the original's,
 * 1e-3 gives the lowest retain error, larger values shrink the head toward zero. The task loss (L1 or
 * MSE) plays no part: the head is always fitted with the squared loss the certificate is about.
 */
public final class CertifiedUnlearner implements Unlearner {
    /** The removal modes. */
    public static final List<String> MODES = List.of("batch", "sequential");
    /** Lipschitz constant of the second derivative of the squared loss, ℓ''(z) = 1: zero. */
    public static final double GAMMA = 0;
    /** The default ridge strength λ (per row, as in Guo et al.'s λn/2·‖θ‖²). */
    public static final double DEFAULT_LAMBDA = 1e-3;

    /** Settings; {@link #defaults()} gives Lethe's. */
    public record Config(double lambda, String mode, double sigma, double delta) {
        public Config {
            Checks.positive("certified", "lambda", lambda);
            if (mode == null || !MODES.contains(mode)) {
                throw new IllegalArgumentException("certified: mode must be batch or sequential, got '" + mode + "'");
            }
            Checks.nonNegative("certified", "sigma", sigma);
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("certified: delta must be in (0, 1), got " + delta);
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_LAMBDA, "batch", 0, 1e-4);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lambda", lambda);
            m.put("mode", mode);
            m.put("sigma", sigma);
            m.put("delta", delta);
            return m;
        }
    }

    /**
     * The frozen features of the training rows, in {@link UnlearningTask#train()} order.
     *
     * @param phi       {@code φ̃_i = [φ(x_i), 1]} in float64, n rows of F + 1
     * @param y         standardised targets
     * @param forget    whether each row is to be forgotten
     * @param predicted the original's predictions (standardised units)
     */
    public record Features(double[][] phi, double[] y, boolean[] forget, double[] predicted) {
    }

    private final Config config;

    public CertifiedUnlearner(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "certified";
    }

    @Override
    public Map<String, Object> settings() {
        return config.describe();
    }

    /**
     * The last layer of {@code model}, which must be a {@link Linear} to one output with a bias (every
     * built-in architecture ends so); anything else is refused with a one-line message.
     */
    public static Linear head(RegressionModel model) {
        List<ModelLayer> layers = ModelLayer.of(model);
        String what = "no layer";
        if (!layers.isEmpty()) {
            ModelLayer last = layers.get(layers.size() - 1);
            if (last.modules().size() == 1 && last.modules().get(0) instanceof Linear l && l.weight().dim(0) == 1
                    && l.bias() != null) {
                return l;
            }
            Module m = last.modules().get(0);
            what = "'" + last.path() + "', a " + m.getClass().getSimpleName()
                    + (m instanceof Linear l ? " to " + l.weight().dim(0) + " outputs" + (l.bias() == null ? " without bias" : "")
                    : "") + (last.modules().size() > 1 ? " with " + (last.modules().size() - 1) + " more module(s)" : "");
        }
        throw new IllegalArgumentException("certified: needs a model whose last layer is a Linear to 1 output with a bias"
                + " (the head it refits); " + model.spec().architecture() + "'s last layer is " + what);
    }

    /**
     * The features of the training rows: the input of the model's last layer, in evaluation mode and
     * without a graph (the mode is restored after), widened to float64 with a 1 appended. Checks that
     * the model's prediction is its last layer applied to them.
     */
    public static Features features(RegressionModel model, UnlearningTask task) {
        Linear head = head(model);
        int f = head.weight().dim(1);
        double[] w = head.weight().toDoubleArray();
        double bias = head.bias().toDoubleArray()[0];
        Dataset train = task.train();
        int n = train.size();
        double[][] phi = new double[n][];
        double[] y = new double[n];
        double[] predicted = new double[n];
        Predictions.inBatches(model, train, (rows, first, batch, out) -> {
            if (out.headInput() == null || out.headInput().rank() != 2 || out.headInput().dim(1) != f) {
                throw new IllegalArgumentException("certified: " + model.spec().architecture()
                        + " does not report the " + f + " inputs of its last layer (ModelOutput.headInput)");
            }
            double[] h = out.headInput().toDoubleArray();
            double[] p = out.prediction().toDoubleArray();
            for (int i = 0; i < rows.length; i++) {
                int k = first + i;
                double[] r = new double[f + 1];
                System.arraycopy(h, i * f, r, 0, f);
                r[f] = 1;
                phi[k] = r;
                y[k] = train.target(rows[i]);
                predicted[k] = p[i];
                double z = bias;
                double scale = 1 + Math.abs(bias);
                for (int j = 0; j < f; j++) {
                    z += w[j] * r[j];
                    scale += Math.abs(w[j] * r[j]);
                }
                if (!(Math.abs(z - p[i]) <= 1e-4 * scale)) {
                    throw new IllegalArgumentException("certified: " + model.spec().architecture()
                            + "'s prediction is not its last layer applied to the reported head input (row " + k
                            + ": " + p[i] + " against " + z + ")");
                }
            }
        });
        return new Features(phi, y, task.trainForgetFlags(), predicted);
    }

    /** The objective-perturbation vector b of an unlearning run with this seed: p values of N(0, σ²). */
    public static double[] noise(int p, double sigma, long seed) {
        double[] b = new double[p];
        if (sigma > 0) {
            Rng rng = new Rng(seed ^ 0xCE27_1F1EDL);
            for (int k = 0; k < p; k++) {
                b[k] = sigma * rng.nextGaussian();
            }
        }
        return b;
    }

    /**
     * The ε that Guo et al.'s Theorem 3 certifies for δ when the gradient residual is at most
     * {@code bound} and the objective is perturbed with noise of standard deviation σ:
     * {@code ε = bound · sqrt(2 ln(1.5/δ)) / σ} (their noise scale c·ε′/ε with δ = 1.5·exp(−c²/2));
     * 0 for a bound of 0, infinite for a positive bound without noise.
     */
    public static double epsilon(double bound, double sigma, double delta) {
        if (bound == 0) {
            return 0;
        }
        return sigma > 0 ? bound * Math.sqrt(2 * Math.log(1.5 / delta)) / sigma : Double.POSITIVE_INFINITY;
    }

    /** What a removal computed, in float64. */
    record Removal(double[] theta, double bound, double boundPerGamma, long steps) {
    }

    /** Guo et al.'s batch removal: one Newton step with the Hessian of the remaining rows. */
    static Removal batch(RidgeHead r, double[] theta, boolean[] forget) {
        boolean[] keep = new boolean[forget.length];
        double[] delta = new double[r.p];
        int m = 0;
        for (int i = 0; i < forget.length; i++) {
            keep[i] = !forget[i];
            if (forget[i]) {
                RidgeHead.axpy(RidgeHead.dot(theta, r.phi[i]) - r.y[i], r.phi[i], delta);
                m++;
            }
        }
        RidgeHead.axpy(r.lambda * m, theta, delta);
        double[] v = RidgeHead.solve(RidgeHead.cholesky(r.hessian(keep)), delta);
        double[] out = theta.clone();
        RidgeHead.axpy(1, v, out);
        double factor = m == 0 ? 0 : boundFactor(r, r.gram(keep), new double[r.p], v, keep);
        return new Removal(out, GAMMA * factor, factor, 0);
    }

    /** Guo et al.'s removal one row at a time, H⁻¹ downdated by Sherman–Morrison. */
    static Removal sequential(RidgeHead r, double[] theta, boolean[] forget) {
        boolean[] keep = new boolean[forget.length];
        java.util.Arrays.fill(keep, true);
        double[][] inv = RidgeHead.inverse(RidgeHead.cholesky(r.hessian(keep)));
        double[][] gram = r.gram(keep);
        double[] eigen = new double[r.p];
        double[] th = theta.clone();
        double factor = 0;
        long steps = 0;
        for (int j = 0; j < forget.length; j++) {
            if (!forget[j]) {
                continue;
            }
            double[] u = r.phi[j];
            double[] delta = new double[r.p];
            RidgeHead.axpy(RidgeHead.dot(th, u) - r.y[j], u, delta);
            RidgeHead.axpy(r.lambda, th, delta);
            RidgeHead.downdate(inv, u, 1);
            for (int c = 0; c < r.p; c++) {
                RidgeHead.downdateCoordinate(inv, c, r.lambda);
            }
            double[] v = RidgeHead.times(inv, delta);
            RidgeHead.axpy(1, v, th);
            keep[j] = false;
            for (int a = 0; a < r.p; a++) {
                for (int c = 0; c < r.p; c++) {
                    gram[a][c] -= u[a] * u[c];
                }
            }
            factor += boundFactor(r, gram, eigen, v, keep);
            steps++;
        }
        return new Removal(th, GAMMA * factor, factor, steps);
    }

    /** {@code ‖X‖₂ · max_i ‖φ̃_i‖₂ · ‖v‖₂ · ‖X v‖₂} over the kept rows, the bound without its γ. */
    private static double boundFactor(RidgeHead r, double[][] gram, double[] eigen, double[] v, boolean[] keep) {
        double spectral = Math.sqrt(Math.max(0, RidgeHead.largestEigenvalue(gram, eigen)));
        return spectral * r.largestRowNorm(keep) * RidgeHead.norm(v) * r.rowsTimes(v, keep);
    }

    @Override
    public UnlearningResult unlearn(RegressionModel original, UnlearningTask task, long seed, ProgressListener progress) {
        long t0 = System.nanoTime();
        RegressionModel student = original.deepCopy();
        Linear head = head(student);
        Features f = features(student, task);
        int n = f.y().length;
        int p = f.phi()[0].length;
        RidgeHead ridge = new RidgeHead(f.phi(), f.y(), config.lambda(), noise(p, config.sigma(), seed));
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        double[] theta = ridge.fit(all);
        double fitSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        Removal removal = config.mode().equals("batch") ? batch(ridge, theta, f.forget()) : sequential(ridge, theta, f.forget());
        double[] after = removal.theta();
        double[] w = java.util.Arrays.copyOf(after, p - 1);
        DiagonalFisher.set(head.weight(), w);
        DiagonalFisher.set(head.bias(), new double[] {after[p - 1]});
        double seconds = (System.nanoTime() - t1) / 1e9;

        boolean[] keep = new boolean[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            keep[i] = !f.forget()[i];
            m += f.forget()[i] ? 1 : 0;
        }
        double[] closedForm = ridge.fit(keep);
        double maxDiff = 0;
        double[] written = java.util.Arrays.copyOf(head.weight().toDoubleArray(), p);
        written[p - 1] = head.bias().toDoubleArray()[0];
        for (int k = 0; k < p; k++) {
            maxDiff = Math.max(maxDiff, Math.abs(after[k] - closedForm[k]));
        }
        double std = task.normalizer().untarget(1) - task.normalizer().untarget(0);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", config.mode());
        d.put("lambda", config.lambda());
        d.put("features", p - 1);
        d.put("rows", n);
        d.put("forget_rows", m);
        d.put("fit_seconds", fitSeconds);
        d.put("gradient_residual_before", RidgeHead.norm(ridge.gradient(theta, keep)));
        d.put("gradient_residual", RidgeHead.norm(ridge.gradient(after, keep)));
        d.put("gradient_residual_float32", RidgeHead.norm(ridge.gradient(written, keep)));
        d.put("gamma", GAMMA);
        d.put("residual_bound", removal.bound());
        d.put("residual_bound_per_gamma", removal.boundPerGamma());
        d.put("sigma", config.sigma());
        d.put("delta", config.delta());
        d.put("epsilon", epsilon(removal.bound(), config.sigma(), config.delta()));
        d.put("max_abs_diff_to_closed_form", maxDiff);
        d.put("original_train_retain_mae", mae(f.predicted(), f.y(), keep, true) * std);
        d.put("original_train_forget_mae", mae(f.predicted(), f.y(), keep, false) * std);
        d.put("before_train_retain_mae", mae(predict(f, theta), f.y(), keep, true) * std);
        d.put("before_train_forget_mae", mae(predict(f, theta), f.y(), keep, false) * std);
        d.put("after_train_retain_mae", mae(predict(f, after), f.y(), keep, true) * std);
        d.put("after_train_forget_mae", mae(predict(f, after), f.y(), keep, false) * std);
        return new UnlearningResult(student, removal.steps(), seconds, d);
    }

    private static double[] predict(Features f, double[] theta) {
        double[] out = new double[f.phi().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = RidgeHead.dot(f.phi()[i], theta);
        }
        return out;
    }

    /** Mean |prediction − target| over the rows where {@code keep[i] == kept} (NaN for none). */
    private static double mae(double[] pred, double[] y, boolean[] keep, boolean kept) {
        double s = 0;
        int c = 0;
        for (int i = 0; i < y.length; i++) {
            if (keep[i] == kept) {
                s += Math.abs(pred[i] - y[i]);
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }
}
