package org.lethe.unlearning;

/**
 * The ridge problem that certified removal solves, in float64: rows {@code φ̃_i = [φ(x_i), 1]} (p = F + 1
 * values, the frozen features and a 1 for the bias), standardised targets {@code y_i}, and for a set S
 * of rows the loss
 *
 * <pre>
 *   L_b(θ; S) = Σ_{i∈S} ½(θᵀφ̃_i − y_i)² + (λ|S|/2)‖θ‖² + bᵀθ
 *   ∇L_b(θ; S) = Σ_{i∈S} (θᵀφ̃_i − y_i) φ̃_i + λ|S| θ + b
 *   H(S) = ∇²L_b = Σ_{i∈S} φ̃_i φ̃_iᵀ + λ|S| I       (constant in θ: the loss is quadratic)
 * </pre>
 *
 * (Guo et al.'s scaling of the penalty with the number of rows; the bias is penalised like the weights,
 * so that H is λ|S|-strongly convex in every direction as their analysis assumes). A set of rows is a
 * {@code boolean[] keep} over all rows. The dense helpers below (Cholesky, Sherman–Morrison, power
 * iteration) are the plain textbook algorithms; p is the width of a model's last layer plus one (65 for
 * the default MLP), so O(p³) is nothing.
 */
final class RidgeHead {
    final double[][] phi;
    final double[] y;
    final double lambda;
    final double[] b;
    final int p;

    /** @param b the objective-perturbation vector (zeros for none); not copied */
    RidgeHead(double[][] phi, double[] y, double lambda, double[] b) {
        this.phi = phi;
        this.y = y;
        this.lambda = lambda;
        this.b = b;
        this.p = b.length;
    }

    static int count(boolean[] keep) {
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        return n;
    }

    /** {@code ∇L_b(θ; S)}. */
    double[] gradient(double[] theta, boolean[] keep) {
        double[] g = new double[p];
        for (int i = 0; i < phi.length; i++) {
            if (keep[i]) {
                axpy(dot(theta, phi[i]) - y[i], phi[i], g);
            }
        }
        axpy(lambda * count(keep), theta, g);
        axpy(1, b, g);
        return g;
    }

    /** The Gram matrix {@code Σ_{i∈S} φ̃_i φ̃_iᵀ}. */
    double[][] gram(boolean[] keep) {
        double[][] g = new double[p][p];
        for (int i = 0; i < phi.length; i++) {
            if (keep[i]) {
                double[] r = phi[i];
                for (int a = 0; a < p; a++) {
                    double ra = r[a];
                    for (int c = 0; c <= a; c++) {
                        g[a][c] += ra * r[c];
                    }
                }
            }
        }
        for (int a = 0; a < p; a++) {
            for (int c = 0; c < a; c++) {
                g[c][a] = g[a][c];
            }
        }
        return g;
    }

    /** {@code H(S)}. */
    double[][] hessian(boolean[] keep) {
        double[][] h = gram(keep);
        double shift = lambda * count(keep);
        for (int a = 0; a < p; a++) {
            h[a][a] += shift;
        }
        return h;
    }

    /** The minimiser of {@code L_b(·; S)} in closed form: {@code H(S)⁻¹ (Σ_{i∈S} y_i φ̃_i − b)}, by Cholesky. */
    double[] fit(boolean[] keep) {
        double[] rhs = new double[p];
        for (int i = 0; i < phi.length; i++) {
            if (keep[i]) {
                axpy(y[i], phi[i], rhs);
            }
        }
        axpy(-1, b, rhs);
        return solve(cholesky(hessian(keep)), rhs);
    }

    /** {@code ‖X_S v‖₂}, X_S the matrix whose rows are the {@code φ̃_i} of S. */
    double rowsTimes(double[] v, boolean[] keep) {
        double s = 0;
        for (int i = 0; i < phi.length; i++) {
            if (keep[i]) {
                double z = dot(phi[i], v);
                s += z * z;
            }
        }
        return Math.sqrt(s);
    }

    /** {@code max_{i∈S} ‖φ̃_i‖₂}. */
    double largestRowNorm(boolean[] keep) {
        double m = 0;
        for (int i = 0; i < phi.length; i++) {
            if (keep[i]) {
                m = Math.max(m, Math.sqrt(dot(phi[i], phi[i])));
            }
        }
        return m;
    }

    // ---- dense float64 helpers ---------------------------------------------------------------------

    static double dot(double[] a, double[] c) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * c[k];
        }
        return s;
    }

    /** {@code out += alpha · x}. */
    static void axpy(double alpha, double[] x, double[] out) {
        for (int k = 0; k < x.length; k++) {
            out[k] += alpha * x[k];
        }
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int a = 0; a < m.length; a++) {
            out[a] = dot(m[a], v);
        }
        return out;
    }

    /** The lower Cholesky factor L of a symmetric positive definite matrix ({@code A = L Lᵀ}). */
    static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= l[j][k] * l[j][k];
            }
            if (!(d > 0)) {
                throw new IllegalStateException("certified: the ridge Hessian is not positive definite (pivot " + j + " = "
                        + d + ")");
            }
            l[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = s / l[j][j];
            }
        }
        return l;
    }

    /** {@code x} with {@code L Lᵀ x = rhs}, by forward and back substitution. */
    static double[] solve(double[][] l, double[] rhs) {
        int n = l.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = rhs[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** {@code (L Lᵀ)⁻¹}, column by column. */
    static double[][] inverse(double[][] l) {
        int n = l.length;
        double[][] inv = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] e = new double[n];
            e[c] = 1;
            double[] x = solve(l, e);
            for (int r = 0; r < n; r++) {
                inv[r][c] = x[r];
            }
        }
        return inv;
    }

    /**
     * Sherman–Morrison downdate in place: {@code inv} holds {@code A⁻¹} (symmetric) and becomes
     * {@code (A − s·u uᵀ)⁻¹ = A⁻¹ + s·(A⁻¹u)(A⁻¹u)ᵀ / (1 − s·uᵀA⁻¹u)}. The denominator is positive
     * whenever {@code A − s·u uᵀ} stays positive definite.
     */
    static void downdate(double[][] inv, double[] u, double s) {
        double[] w = times(inv, u);
        double denominator = 1 - s * dot(u, w);
        if (!(denominator > 0)) {
            throw new IllegalStateException("certified: a Sherman-Morrison downdate would leave the Hessian indefinite ("
                    + denominator + ")");
        }
        outer(inv, w, s / denominator);
    }

    /** {@link #downdate} for {@code u = e_c}, a unit vector: {@code A⁻¹u} is column c of {@code A⁻¹}. */
    static void downdateCoordinate(double[][] inv, int c, double s) {
        double[] w = new double[inv.length];
        for (int r = 0; r < w.length; r++) {
            w[r] = inv[r][c];
        }
        double denominator = 1 - s * w[c];
        if (!(denominator > 0)) {
            throw new IllegalStateException("certified: a Sherman-Morrison downdate would leave the Hessian indefinite ("
                    + denominator + ")");
        }
        outer(inv, w, s / denominator);
    }

    /** {@code m += alpha · w wᵀ}. */
    private static void outer(double[][] m, double[] w, double alpha) {
        for (int a = 0; a < w.length; a++) {
            double wa = alpha * w[a];
            for (int c = 0; c < w.length; c++) {
                m[a][c] += wa * w[c];
            }
        }
    }

    /**
     * The largest eigenvalue of a symmetric positive semi-definite matrix by power iteration from
     * {@code start} (overwritten with the eigenvector; warm starts converge in a few steps), until the
     * Rayleigh quotient changes by less than 1e-13 relative (at most 100,000 iterations).
     */
    static double largestEigenvalue(double[][] g, double[] start) {
        double[] v = start;
        double nv = norm(v);
        if (nv == 0) {
            java.util.Arrays.fill(v, 1);
            nv = norm(v);
        }
        for (int k = 0; k < v.length; k++) {
            v[k] /= nv;
        }
        double rayleigh = 0;
        for (int it = 0; it < 100_000; it++) {
            double[] w = times(g, v);
            double next = dot(v, w);
            double nw = norm(w);
            if (nw == 0) {
                return 0;
            }
            for (int k = 0; k < v.length; k++) {
                v[k] = w[k] / nw;
            }
            if (Math.abs(next - rayleigh) <= 1e-13 * Math.abs(next)) {
                return next;
            }
            rayleigh = next;
        }
        return rayleigh;
    }
}
