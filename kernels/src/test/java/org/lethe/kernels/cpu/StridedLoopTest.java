package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link StridedLoop#inParallel} visits every element once, at its own offsets in every operand. */
class StridedLoopTest {

    /** Counts the visits of each element of a loop over {@code shape}, whose first operand is contiguous. */
    private static int[] visits(int threads, int[] shape, int[] strides2, int grain, java.util.Set<Integer> pieces) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        int[] contiguous = new int[shape.length];
        for (int d = shape.length - 1, s = 1; d >= 0; d--) {
            contiguous[d] = s;
            s *= shape[d];
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(size);
        int total = size;
        try (CpuBackend backend = new CpuBackend(1); CpuParallel parallel = new CpuParallel(threads)) {
            org.lethe.kernels.Buffer buffer = backend.allocate(org.lethe.kernels.DType.FLOAT32, size + 10);
            StridedLoop loop = StridedLoop.of(shape, new org.lethe.kernels.View(buffer, 5, shape, contiguous),
                    new org.lethe.kernels.View(buffer, 7, shape, strides2));
            loop.inParallel(parallel, grain, (off, n) -> {
                pieces.add(off[0]);
                for (int i = 0; i < n; i++) {
                    int e = off[0] - 5 + i * loop.innerStride(0);
                    assertTrue(e >= 0 && e < total, "element " + e);
                    seen.incrementAndGet(e);
                    // the second operand's offset follows its own strides for the same element
                    int rest = e;
                    int expected = 7;
                    for (int d = shape.length - 1; d >= 0; d--) {
                        expected += rest % shape[d] * strides2[d];
                        rest /= shape[d];
                    }
                    assertEquals(expected, off[1] + i * loop.innerStride(1));
                }
            });
        }
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = seen.get(i);
        }
        return out;
    }

    @Test
    void aLongContiguousRowIsCutIntoPieces() {
        int[] shape = {4, 30, 1000};
        int[] ones = new int[4 * 30 * 1000];
        java.util.Arrays.fill(ones, 1);
        java.util.Set<Integer> pieces = ConcurrentHashMap.newKeySet();
        // both operands contiguous: one row of 120,000 elements
        assertArrayEquals(ones, visits(2, shape, new int[] {30000, 1000, 1}, 1 << 14, pieces));
        assertTrue(pieces.size() > 1, "one row of 120,000 elements ran as " + pieces.size() + " piece (distinct first offsets)");
        // an odd length that the grain does not divide, and three threads
        int[] odd = {12345};
        int[] oddOnes = new int[12345];
        java.util.Arrays.fill(oddOnes, 1);
        assertArrayEquals(oddOnes, visits(3, odd, new int[] {1}, 1000, ConcurrentHashMap.newKeySet()));
    }

    @Test
    void stridedRowsAreVisitedOnce() {
        // the second operand transposed: rows of 40, not merged
        int[] shape = {50, 40};
        int[] ones = new int[2000];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, visits(2, shape, new int[] {1, 50}, 100, ConcurrentHashMap.newKeySet()));
        // a broadcast operand (stride 0) in a single long row
        int[] row = {70000};
        int[] rowOnes = new int[70000];
        java.util.Arrays.fill(rowOnes, 1);
        assertArrayEquals(rowOnes, visits(2, row, new int[] {0}, 1 << 14, ConcurrentHashMap.newKeySet()));
    }
}
