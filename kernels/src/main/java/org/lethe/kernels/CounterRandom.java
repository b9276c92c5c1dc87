package org.lethe.kernels;

/**
 * The random numbers every backend produces: a pure function of a 64-bit seed and an element's
 * position (a counter-based generator), so a random fill gives the same values whatever the number
 * of threads, and the same values on every backend that follows this definition.
 *
 * <p>Bits: the SplitMix64 finaliser of {@code seed + (counter + 1) * 0x9E3779B97F4A7C15}. Uniform
 * doubles take the top 53 bits, uniform floats the top 24. Normals use the Box-Muller transform on
 * the counters {@code 2i} and {@code 2i + 1}: {@code sqrt(-2 ln(1 - u1)) * cos(2 pi u2)}.
 */
public final class CounterRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    /** The SplitMix64 finaliser: a bijective 64-bit mix. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64 random bits for a counter. */
    public static long bits(long seed, long counter) {
        return mix64(seed + (counter + 1) * GOLDEN);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long counter) {
        return (bits(seed, counter) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable as a float. */
    public static double uniformFloat(long seed, long counter) {
        return (bits(seed, counter) >>> 40) * 0x1.0p-24;
    }

    /** Uniform in [low, high) for the element at {@code index}, rounded to {@code dtype}. */
    public static double uniform(DType dtype, long seed, long index, double low, double high) {
        double u = dtype == DType.FLOAT32 ? uniformFloat(seed, index) : uniform(seed, index);
        return dtype.round(low + (high - low) * u);
    }

    /** Standard normal for the element at {@code index}. */
    public static double normal(long seed, long index) {
        double u1 = uniform(seed, 2 * index);
        double u2 = uniform(seed, 2 * index + 1);
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
