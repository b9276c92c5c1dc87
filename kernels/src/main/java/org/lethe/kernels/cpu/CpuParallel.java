package org.lethe.kernels.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's threads: a fork-join pool that splits an index range into disjoint chunks. Every
 * kernel writes each output element from exactly one chunk and computes it in a fixed order, so
 * results never depend on the number of threads.
 */
final class CpuParallel implements AutoCloseable {
    /** Body of a parallel loop over {@code [lo, hi)}. */
    interface RangeTask {
        void run(int lo, int hi);
    }

    private final int threads;
    private final ForkJoinPool pool;

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("lethe-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, n)} in chunks of at least {@code minChunk} indices, on up to
     * all threads; small ranges run on the calling thread.
     */
    void forRange(int n, int minChunk, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) Math.min((long) threads * 4, (n + (long) minChunk - 1) / Math.max(minChunk, 1));
        if (pool == null || chunks <= 1) {
            task.run(0, n);
            return;
        }
        int chunk = (n + chunks - 1) / chunks;
        pool.invoke(new Split(task, 0, n, chunk));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static final class Split extends RecursiveAction {
        private final RangeTask task;
        private final int lo;
        private final int hi;
        private final int chunk;

        Split(RangeTask task, int lo, int hi, int chunk) {
            this.task = task;
            this.lo = lo;
            this.hi = hi;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (hi - lo <= chunk) {
                task.run(lo, hi);
                return;
            }
            int mid = lo + ((hi - lo) / chunk / 2) * chunk;
            if (mid == lo) {
                mid = lo + chunk;
            }
            invokeAll(new Split(task, lo, mid, chunk), new Split(task, mid, hi, chunk));
        }
    }
}
