package org.lethe.unlearning.metrics;

/**
 * A C-support vector classifier with the RBF kernel {@code K(a, b) = exp(-gamma |a - b|^2)}, solved
 * by SMO with libsvm's semantics (Fan, Chen and Lin 2005): second-order working-set selection, the
 * same clipped two-variable update, stopping when the maximal violation is below {@code tol}, and
 * libsvm's bias {@code rho}. Labels are {@code +1} and {@code -1}; {@link #decision} is
 * {@code sum_i alpha_i y_i K(x_i, x) - rho}, and a point is {@code +1} when it is positive (as
 * scikit-learn's {@code SVC}, whose predictions it is tested against). Kernel values are computed on
 * demand; memory is linear in the number of points.
 */
public final class Svc {
    private static final double TAU = 1e-12;
    private final double[][] x;
    private final double[] coef;
    private final double rho;
    private final double gamma;
    private final int iterations;

    private Svc(double[][] x, double[] coef, double rho, double gamma, int iterations) {
        this.x = x;
        this.coef = coef;
        this.rho = rho;
        this.gamma = gamma;
        this.iterations = iterations;
    }

    private static double kernel(double[] a, double[] b, double gamma) {
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            double t = a[k] - b[k];
            d += t * t;
        }
        return Math.exp(-gamma * d);
    }

    /** Fits on points {@code x} with labels {@code y} in {+1, -1}. */
    public static Svc fit(double[][] x, int[] y, double c, double gamma, double tol) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("svc: " + n + " points and " + y.length + " labels");
        }
        double[] alpha = new double[n];
        double[] g = new double[n];
        java.util.Arrays.fill(g, -1.0);
        double[] qd = new double[n];
        for (int i = 0; i < n; i++) {
            qd[i] = kernel(x[i], x[i], gamma);
        }
        double[] qi = new double[n];
        double[] qj = new double[n];
        int maxIter = Math.max(10_000_000, n > Integer.MAX_VALUE / 100 ? Integer.MAX_VALUE : 100 * n);
        int iter = 0;
        while (iter < maxIter) {
            // select i: maximal violating index in I_up
            double gmax = Double.NEGATIVE_INFINITY;
            int i = -1;
            for (int t = 0; t < n; t++) {
                if (y[t] == 1) {
                    if (alpha[t] < c && -g[t] >= gmax) {
                        gmax = -g[t];
                        i = t;
                    }
                } else if (alpha[t] > 0 && g[t] >= gmax) {
                    gmax = g[t];
                    i = t;
                }
            }
            double gmax2 = Double.NEGATIVE_INFINITY;
            int j = -1;
            double objMin = Double.POSITIVE_INFINITY;
            if (i >= 0) {
                for (int t = 0; t < n; t++) {
                    qi[t] = y[i] * y[t] * kernel(x[i], x[t], gamma);
                }
            }
            for (int t = 0; t < n; t++) {
                if (y[t] == 1) {
                    if (alpha[t] > 0) {
                        double gradDiff = gmax + g[t];
                        if (g[t] >= gmax2) {
                            gmax2 = g[t];
                        }
                        if (gradDiff > 0 && i >= 0) {
                            double quad = qd[i] + qd[t] - 2.0 * y[i] * qi[t];
                            double obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
                            if (obj <= objMin) {
                                j = t;
                                objMin = obj;
                            }
                        }
                    }
                } else if (alpha[t] < c) {
                    double gradDiff = gmax - g[t];
                    if (-g[t] >= gmax2) {
                        gmax2 = -g[t];
                    }
                    if (gradDiff > 0 && i >= 0) {
                        double quad = qd[i] + qd[t] + 2.0 * y[i] * qi[t];
                        double obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
                        if (obj <= objMin) {
                            j = t;
                            objMin = obj;
                        }
                    }
                }
            }
            if (gmax + gmax2 < tol || j == -1) {
                break;
            }
            iter++;
            for (int t = 0; t < n; t++) {
                qj[t] = y[j] * y[t] * kernel(x[j], x[t], gamma);
            }
            double oldI = alpha[i];
            double oldJ = alpha[j];
            if (y[i] != y[j]) {
                double quad = qd[i] + qd[j] + 2 * qi[j];
                if (quad <= 0) {
                    quad = TAU;
                }
                double delta = (-g[i] - g[j]) / quad;
                double diff = alpha[i] - alpha[j];
                alpha[i] += delta;
                alpha[j] += delta;
                if (diff > 0) {
                    if (alpha[j] < 0) {
                        alpha[j] = 0;
                        alpha[i] = diff;
                    }
                } else if (alpha[i] < 0) {
                    alpha[i] = 0;
                    alpha[j] = -diff;
                }
                if (diff > 0) {
                    if (alpha[i] > c) {
                        alpha[i] = c;
                        alpha[j] = c - diff;
                    }
                } else if (alpha[j] > c) {
                    alpha[j] = c;
                    alpha[i] = c + diff;
                }
            } else {
                double quad = qd[i] + qd[j] - 2 * qi[j];
                if (quad <= 0) {
                    quad = TAU;
                }
                double delta = (g[i] - g[j]) / quad;
                double sum = alpha[i] + alpha[j];
                alpha[i] -= delta;
                alpha[j] += delta;
                if (sum > c) {
                    if (alpha[i] > c) {
                        alpha[i] = c;
                        alpha[j] = sum - c;
                    }
                } else if (alpha[j] < 0) {
                    alpha[j] = 0;
                    alpha[i] = sum;
                }
                if (sum > c) {
                    if (alpha[j] > c) {
                        alpha[j] = c;
                        alpha[i] = sum - c;
                    }
                } else if (alpha[i] < 0) {
                    alpha[i] = 0;
                    alpha[j] = sum;
                }
            }
            double di = alpha[i] - oldI;
            double dj = alpha[j] - oldJ;
            for (int t = 0; t < n; t++) {
                g[t] += qi[t] * di + qj[t] * dj;
            }
        }
        // rho, as libsvm's calculate_rho
        double ub = Double.POSITIVE_INFINITY;
        double lb = Double.NEGATIVE_INFINITY;
        double sumFree = 0;
        int free = 0;
        for (int t = 0; t < n; t++) {
            double yg = y[t] * g[t];
            if (alpha[t] >= c) {
                if (y[t] == -1) {
                    ub = Math.min(ub, yg);
                } else {
                    lb = Math.max(lb, yg);
                }
            } else if (alpha[t] <= 0) {
                if (y[t] == 1) {
                    ub = Math.min(ub, yg);
                } else {
                    lb = Math.max(lb, yg);
                }
            } else {
                free++;
                sumFree += yg;
            }
        }
        double rho = free > 0 ? sumFree / free : (ub + lb) / 2;
        int sv = 0;
        for (double a : alpha) {
            sv += a > 0 ? 1 : 0;
        }
        double[][] svx = new double[sv][];
        double[] coef = new double[sv];
        for (int t = 0, k = 0; t < n; t++) {
            if (alpha[t] > 0) {
                svx[k] = x[t];
                coef[k++] = alpha[t] * y[t];
            }
        }
        return new Svc(svx, coef, rho, gamma, iter);
    }

    public double decision(double[] point) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += coef[k] * kernel(x[k], point, gamma);
        }
        return s - rho;
    }

    /** {@code +1} when the decision value is positive, else {@code -1}. */
    public int predict(double[] point) {
        return decision(point) > 0 ? 1 : -1;
    }

    public int supportVectors() {
        return x.length;
    }

    public double rho() {
        return rho;
    }

    public int iterations() {
        return iterations;
    }
}
