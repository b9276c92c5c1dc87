package org.lethe.kernels.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with a cache of freed blocks, so that a training step, which frees and allocates
 * the same sizes every time, reaches the driver's allocator only in its first steps.
 *
 * <p>Requests are rounded up to a size class: powers of two up to 1 MiB (at least 512 bytes), then
 * steps of a quarter of the power of two below (at most 25% unused). A freed block goes onto its
 * class's free list and is handed to the next request of that class. Reuse needs no
 * synchronisation: every kernel runs on the one stream, so work queued after a block is reissued
 * runs after all work queued while it was held, and host copies are ordered after the stream's work
 * ({@link DeviceApi}). When the driver reports no memory, the cache is returned to the driver and
 * the allocation tried once more.
 */
final class CachingAllocator {
    static final long MIN_BLOCK = 512;
    private static final long SMALL_LIMIT = 1L << 20;

    private final DeviceApi device;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Map<Long, Long> live = new HashMap<>();
    private long cachedBytes;
    private long liveBytes;
    private long peakBytes;
    private long driverAllocations;
    private long reuses;
    private boolean closed;

    CachingAllocator(DeviceApi device) {
        this.device = device;
    }

    /** The size class of a request of {@code bytes}. */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        if (bytes <= SMALL_LIMIT) {
            return Long.highestOneBit(bytes - 1) << 1;
        }
        long step = Long.highestOneBit(bytes) >> 2;
        return (bytes + step - 1) / step * step;
    }

    /** A block of at least {@code bytes}; its address. */
    synchronized long allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend was closed");
        }
        long size = sizeClass(bytes);
        ArrayDeque<Long> list = free.get(size);
        long address;
        if (list != null && !list.isEmpty()) {
            address = list.pop();
            cachedBytes -= size;
            reuses++;
        } else {
            address = fromDriver(size);
        }
        live.put(address, size);
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return address;
    }

    private long fromDriver(long size) {
        try {
            driverAllocations++;
            return device.malloc(size);
        } catch (OutOfDeviceMemoryException e) {
            releaseCache();
            try {
                return device.malloc(size);
            } catch (OutOfDeviceMemoryException again) {
                throw new OutOfDeviceMemoryException("out of device memory allocating " + size + " bytes ("
                        + liveBytes + " bytes in use by " + live.size() + " buffers): " + again.getMessage());
            }
        }
    }

    /** Returns a block to the cache. */
    synchronized void release(long address) {
        Long size = live.remove(address);
        if (size == null) {
            throw new IllegalStateException("release of a block this allocator does not hold: 0x" + Long.toHexString(address));
        }
        liveBytes -= size;
        if (closed) {
            device.free(address);
            return;
        }
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        cachedBytes += size;
    }

    /** Gives every cached block back to the driver. */
    synchronized void releaseCache() {
        device.synchronize();
        for (ArrayDeque<Long> list : free.values()) {
            for (long a : list) {
                device.free(a);
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Frees the cache; blocks still held are freed when they are released. */
    synchronized void close() {
        if (!closed) {
            releaseCache();
            closed = true;
        }
    }

    /** Counters for tests, benchmarks and logs. */
    record Stats(long liveBytes, long cachedBytes, long peakBytes, long driverAllocations, long reuses, int liveBlocks) {
    }

    synchronized Stats stats() {
        return new Stats(liveBytes, cachedBytes, peakBytes, driverAllocations, reuses, live.size());
    }
}
