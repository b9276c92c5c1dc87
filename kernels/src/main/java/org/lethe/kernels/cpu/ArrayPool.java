package org.lethe.kernels.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Recycles the arrays of closed buffers, keyed by type and length, so that a training loop whose
 * steps release their temporaries (through the engine's TensorScope) allocates almost nothing in
 * steady state. Large Java arrays are costly to allocate (G1 places arrays over half a region in
 * "humongous" regions and zeroes them). A closed buffer drops its reference to the array before the
 * array is pooled, so a use after close still fails. Bounded by {@code capacityBytes}; small arrays
 * are not pooled. Thread-safe.
 */
final class ArrayPool {
    static final int MIN_LENGTH = 1 << 12;
    private final long capacityBytes;
    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
    private long pooledBytes;

    ArrayPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** An array of {@code length} floats (zero-filled if {@code zero}), recycled when one is pooled. */
    float[] floats(int length, boolean zero) {
        float[] a = null;
        if (length >= MIN_LENGTH) {
            synchronized (this) {
                ArrayDeque<float[]> q = floats.get(length);
                if (q != null && !q.isEmpty()) {
                    a = q.pop();
                    pooledBytes -= 4L * length;
                }
            }
        }
        if (a == null) {
            return new float[length];
        }
        if (zero) {
            java.util.Arrays.fill(a, 0f);
        }
        return a;
    }

    /** An array of {@code length} doubles (zero-filled if {@code zero}), recycled when one is pooled. */
    double[] doubles(int length, boolean zero) {
        double[] a = null;
        if (length >= MIN_LENGTH) {
            synchronized (this) {
                ArrayDeque<double[]> q = doubles.get(length);
                if (q != null && !q.isEmpty()) {
                    a = q.pop();
                    pooledBytes -= 8L * length;
                }
            }
        }
        if (a == null) {
            return new double[length];
        }
        if (zero) {
            java.util.Arrays.fill(a, 0.0);
        }
        return a;
    }

    synchronized void release(float[] a) {
        if (a.length >= MIN_LENGTH && pooledBytes + 4L * a.length <= capacityBytes) {
            floats.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            pooledBytes += 4L * a.length;
        }
    }

    synchronized void release(double[] a) {
        if (a.length >= MIN_LENGTH && pooledBytes + 8L * a.length <= capacityBytes) {
            doubles.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            pooledBytes += 8L * a.length;
        }
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }

    synchronized void clear() {
        floats.clear();
        doubles.clear();
        pooledBytes = 0;
    }
}
