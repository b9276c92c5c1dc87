package org.lethe.kernels;

/** Element types a backend stores. Float32 is the working type; float64 is for gradient checks and references. */
public enum DType {
    FLOAT32(4, "float32"),
    FLOAT64(8, "float64");

    private final int bytes;
    private final String label;

    DType(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Rounds a double to what this type stores (float32 rounds to nearest float). */
    public double round(double v) {
        return this == FLOAT32 ? (double) (float) v : v;
    }

    @Override
    public String toString() {
        return label;
    }
}
