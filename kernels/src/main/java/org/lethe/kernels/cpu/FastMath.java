package org.lethe.kernels.cpu;

/**
 * Faster forms of functions whose JDK versions are slow software routines, accurate to a few units
 * in the last place of a double (so float32 results equal the reference's in all but rare ties).
 */
final class FastMath {
    private FastMath() {
    }

    /**
     * {@code tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|})} through the intrinsic {@code Math.exp}
     * (JDK 17's {@code Math.tanh} is several times slower); {@code x - x^3/3} below 1e-5, where the
     * subtraction would lose digits. NaN stays NaN.
     */
    static double tanh(double x) {
        double a = Math.abs(x);
        if (a < 1e-5) {
            return x - x * x * x / 3;
        }
        if (a > 20) {
            return Math.copySign(1.0, x);
        }
        double t = Math.exp(-2 * a);
        return Math.copySign((1 - t) / (1 + t), x);
    }

    /** The logistic function without overflow. */
    static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }
}
