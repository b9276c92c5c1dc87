package org.lethe.unlearning;

/** Argument checks of the methods' settings, with messages naming the method and the setting. */
final class Checks {
    private Checks() {
    }

    static void positive(String method, String key, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(method + ": " + key + " must be a finite number above 0, got " + v);
        }
    }

    static void nonNegative(String method, String key, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(method + ": " + key + " must be a finite number of at least 0, got " + v);
        }
    }

    static void atLeast(String method, String key, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(method + ": " + key + " must be at least " + min + ", got " + v);
        }
    }

    static void fraction(String method, String key, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(method + ": " + key + " must be in (0, 1], got " + v);
        }
    }
}
