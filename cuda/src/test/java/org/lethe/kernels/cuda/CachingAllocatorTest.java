package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The allocator's size classes, reuse and out-of-memory handling, on a fake device with a memory limit. */
class CachingAllocatorTest {

    /** Counts driver calls; "device memory" is a counter against a limit. */
    static final class FakeDevice implements DeviceApi {
        final long limit;
        long used;
        long next = 0x1000;
        int mallocs;
        int frees;
        final Set<Long> live = new HashSet<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

        FakeDevice(long limit) {
            this.limit = limit;
        }

        @Override
        public long malloc(long bytes) {
            if (used + bytes > limit) {
                throw new OutOfDeviceMemoryException("fake: out of memory");
            }
            mallocs++;
            used += bytes;
            long a = next;
            next += bytes + 256;
            live.add(a);
            sizes.put(a, bytes);
            return a;
        }

        @Override
        public void free(long address) {
            assertTrue(live.remove(address), "free of a block not allocated");
            frees++;
            used -= sizes.remove(address);
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public int multiprocessors() {
            return 1;
        }

        @Override
        public void memsetD32(long address, int value, long count) {
        }

        @Override
        public void copyToDevice(long dst, float[] src, int srcOffset, int count) {
        }

        @Override
        public void copyToDevice(long dst, double[] src, int srcOffset, int count) {
        }

        @Override
        public void copyToDevice(long dst, int[] src, int srcOffset, int count) {
        }

        @Override
        public void copyToHost(long src, float[] dst, int dstOffset, int count) {
        }

        @Override
        public void copyToHost(long src, double[] dst, int dstOffset, int count) {
        }

        @Override
        public void launch(String kernel, int gridX, int gridY, int gridZ, int block, KernelArgs args) {
        }

        @Override
        public BlasLibrary blas() {
            return null;
        }

        @Override
        public void synchronize() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void sizeClassesArePowersOfTwoThenQuarterSteps() {
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1 << 20, CachingAllocator.sizeClass((1 << 20) - 3));
        assertEquals((1 << 20) + (1 << 18), CachingAllocator.sizeClass((1 << 20) + 1));
        assertEquals(3L << 29, CachingAllocator.sizeClass((1L << 30) + (1L << 29) - 5));
        for (long b = 1; b < (1L << 34); b = b * 3 + 1) {
            long c = CachingAllocator.sizeClass(b);
            assertTrue(c >= b && (c <= 512 || c <= b * 2) && (b <= (1 << 20) || c <= b * 1.25 + 1), b + " -> " + c);
        }
    }

    @Test
    void freedBlocksAreReusedWithoutTheDriver() {
        FakeDevice dev = new FakeDevice(1 << 30);
        CachingAllocator a = new CachingAllocator(dev);
        for (int step = 0; step < 5; step++) {
            long x = a.allocate(1000);
            long y = a.allocate(300_000);
            long z = a.allocate(3_000_000);
            a.release(y);
            a.release(x);
            a.release(z);
        }
        assertEquals(3, dev.mallocs, "only the first step reaches the driver");
        assertEquals(12, a.stats().reuses());
        a.close();
        assertEquals(3, dev.frees, "close gives the cache back");
        assertThrows(IllegalStateException.class, () -> a.allocate(1));
    }

    @Test
    void outOfMemoryReleasesTheCacheAndRetries() {
        FakeDevice dev = new FakeDevice(3 << 20);
        CachingAllocator a = new CachingAllocator(dev);
        long big = a.allocate(2 << 20);
        a.release(big);
        long other = a.allocate(3 << 19);  // a different class: the cached 2 MiB must go back first
        assertEquals(1, dev.frees);
        assertThrows(OutOfDeviceMemoryException.class, () -> a.allocate(4 << 20));
        a.release(other);
        assertThrows(IllegalStateException.class, () -> a.release(other), "a double release is an error");
    }
}
