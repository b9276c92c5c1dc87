package org.lethe.kernels.cpu;

/**
 * Per-thread float arrays that a kernel reuses from call to call instead of allocating (packed
 * panels, partial results): a few numbered slots, each grown when a call needs more.
 */
final class ThreadScratch {
    private final ThreadLocal<float[][]> slots;

    ThreadScratch(int count) {
        slots = ThreadLocal.withInitial(() -> new float[count][]);
    }

    /** This thread's array in {@code slot}, at least {@code size} long; its contents are left over. */
    float[] floats(int slot, int size) {
        float[][] s = slots.get();
        if (s[slot] == null || s[slot].length < size) {
            s[slot] = new float[size];
        }
        return s[slot];
    }
}
