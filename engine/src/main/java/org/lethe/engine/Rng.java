package org.lethe.engine;

import org.lethe.kernels.CounterRandom;

/**
 * The engine's seeded, splittable random generator (SplitMix64). The same seed gives the same stream
 * on every machine and JDK. {@link #split()} derives an independent generator, so that components
 * (initialisation, shuffling, dropout) can each own a stream and stay reproducible when another
 * component draws more or fewer numbers. Random tensors draw one 64-bit seed per tensor and let the
 * backend expand it with {@link CounterRandom}, so they do not depend on the thread count either.
 * Not thread-safe: give each thread its own split.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = CounterRandom.mix64(seed ^ 0x5DEECE66DL);
    }

    /** 64 random bits. */
    public long nextLong() {
        state += GOLDEN;
        return CounterRandom.mix64(state);
    }

    /** Uniform in [0, bound), unbiased. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        long m = bound - 1L;
        long r = nextLong() >>> 1;
        for (long u = r; u - (r = u % bound) + m < 0; u = nextLong() >>> 1) {
            // rejected: retry to keep the draw unbiased
        }
        return (int) r;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box-Muller, one value per two draws). */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** An independent generator derived from this one's next output. */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** Shuffles in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
