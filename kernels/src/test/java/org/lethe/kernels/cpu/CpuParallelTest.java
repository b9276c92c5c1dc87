package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The worker pool cuts a range into non-empty, disjoint chunks that cover it exactly once. */
class CpuParallelTest {
    @Test
    void chunksAreNonEmptyAndCoverTheRangeOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuParallel p = new CpuParallel(threads)) {
                for (int n = 1; n <= 80; n++) {
                    for (int minChunk : new int[] {1, 2, 3, 7, 100}) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(n);
                        int size = n;
                        p.forRange(n, minChunk, (lo, hi) -> {
                            if (lo >= hi || lo < 0 || hi > size) {
                                throw new IllegalStateException("chunk [" + lo + ", " + hi + ") of " + size);
                            }
                            for (int i = lo; i < hi; i++) {
                                seen.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(1, seen.get(i), "index " + i + " of " + n + ", " + threads + " threads, min chunk " + minChunk);
                        }
                    }
                }
            }
        }
    }

    @Test
    void anExceptionInAChunkReachesTheCaller() {
        try (CpuParallel p = new CpuParallel(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.forRange(100, 1, (lo, hi) -> {
                if (lo == 0) {
                    throw new IllegalArgumentException("bad chunk");
                }
            }));
            assertEquals("bad chunk", e.getMessage());
            int[] count = {0};
            p.forRange(1, 1, (lo, hi) -> count[0] += hi - lo);
            assertTrue(count[0] == 1, "the pool still works after a failed job");
        }
    }

    /**
     * A call to forRange from inside a running job, on a worker or on the calling thread itself (which
     * holds the pool's reentrant lock), runs on that thread: the outer job's chunks are each done once
     * and the inner ranges are covered once, on the thread that asked.
     */
    @Test
    void nestedCallsRunOnTheirOwnThread() {
        for (int threads = 2; threads <= 3; threads++) {
            try (CpuParallel p = new CpuParallel(threads)) {
                int outer = 6;
                int inner = 50;
                AtomicIntegerArray seen = new AtomicIntegerArray(outer * inner);
                p.forRange(outer, 1, (lo, hi) -> {
                    for (int o = lo; o < hi; o++) {
                        int base = o * inner;
                        Thread mine = Thread.currentThread();
                        p.forRange(inner, 1, (a, b) -> {
                            if (Thread.currentThread() != mine) {
                                throw new IllegalStateException("an inner chunk left its thread");
                            }
                            for (int i = a; i < b; i++) {
                                seen.incrementAndGet(base + i);
                            }
                        });
                    }
                });
                for (int i = 0; i < outer * inner; i++) {
                    assertEquals(1, seen.get(i), "index " + i + ", " + threads + " threads");
                }
            }
        }
    }

    /** Backend.runParts runs every part once, the parts on several threads when the backend has them. */
    @Test
    void runPartsRunsEachPartOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuBackend b = new CpuBackend(threads)) {
                assertEquals(threads, b.parallelParts());
                AtomicIntegerArray seen = new AtomicIntegerArray(7);
                b.runParts(7, i -> seen.incrementAndGet(i));
                for (int i = 0; i < 7; i++) {
                    assertEquals(1, seen.get(i), "part " + i + ", " + threads + " threads");
                }
            }
        }
    }
}
