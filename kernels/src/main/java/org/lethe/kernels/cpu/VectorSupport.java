package org.lethe.kernels.cpu;

/**
 * Whether the incubating Vector API can be used: it needs {@code --add-modules jdk.incubator.vector}
 * on the command line (the launcher, the tests and the benchmarks pass it) and a CPU with vectors of
 * at least 8 floats. Without it the CPU backend uses its scalar kernels, with the same results up to
 * rounding. {@code -Dlethe.vector=false} turns it off.
 */
final class VectorSupport {
    static final boolean AVAILABLE = probe();

    private VectorSupport() {
    }

    private static boolean probe() {
        if ("false".equalsIgnoreCase(System.getProperty("lethe.vector"))) {
            return false;
        }
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            return VectorGemm.L >= 8;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A short description for logs: {@code vector API, 16 float lanes} or why not. */
    static String describe() {
        return AVAILABLE ? "vector API, " + VectorGemm.L + " float lanes"
                : "scalar (add --add-modules jdk.incubator.vector for the vector kernels)";
    }
}
