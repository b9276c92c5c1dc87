package org.lethe.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's threads: a range of indices is cut into disjoint chunks that the calling thread
 * and the workers take in turn. Workers spin for a fraction of a millisecond after each job before
 * they park, because waking a parked thread costs tens of microseconds, as much as a small kernel;
 * so consecutive kernels of a training step find them awake. Every output element is written by one
 * chunk and computed in a fixed order, so results never depend on the number of threads. A call made
 * from inside a job, or while another thread's job runs, is done on the calling thread.
 */
final class CpuParallel implements AutoCloseable {
    /** Body of a parallel loop over {@code [lo, hi)}. */
    interface RangeTask {
        void run(int lo, int hi);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Job job;
    private volatile long sequence;
    private volatile boolean closed;

    private static final class Job {
        final RangeTask task;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable error;

        Job(RangeTask task, int n, int chunk, int chunks) {
            this.task = task;
            this.n = n;
            this.chunk = chunk;
            this.chunks = chunks;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    int lo = c * chunk;
                    task.run(lo, Math.min(n, lo + chunk));
                } catch (Throwable t) {
                    error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(int index) {
            super("lethe-cpu-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            long idleSince = System.nanoTime();
            while (!closed) {
                long s = sequence;
                if (s != seen) {
                    seen = s;
                    Job j = job;
                    if (j != null) {
                        j.work();
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (sequence == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
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
        // a call from inside a job (a worker's, or the calling thread's own: the lock is reentrant) runs here
        if (threads == 1 || chunks <= 1 || Thread.currentThread() instanceof Worker || lock.isHeldByCurrentThread()
                || !lock.tryLock()) {
            task.run(0, n);
            return;
        }
        try {
            // the chunk size rounds up, so recount the chunks: none may start at or beyond n
            int chunk = (n + chunks - 1) / chunks;
            Job j = new Job(task, n, chunk, (n + chunk - 1) / chunk);
            job = j;
            sequence = sequence + 1;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            j.work();
            while (j.done.get() < j.chunks) {
                Thread.onSpinWait();
            }
            job = null;
            Throwable e = j.error;
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }
}
