package org.latent4j.tensor.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The engine's one thread pool, sized to the cores by default ({@code -Dlatent4j.threads=N} or
 * {@link #setThreads(int)} to change it).
 *
 * <p>Determinism: callers split work into tasks whose boundaries depend only on the problem size, never
 * on the thread count, and each task writes its own output (reductions combine per-task partials in task
 * order). Which thread runs a task is then irrelevant, and results are bit-identical for 1 and N threads.
 *
 * <p>Latency: a training step hands the pool hundreds of jobs of 50-300 microseconds each, so waking a
 * parked thread (10-25 us measured here) would eat a large share of them. Workers therefore spin for a
 * short while after each job before they park, and the caller runs tasks itself rather than waiting.
 */
public final class Parallel {
    /** How long an idle worker spins before parking: long enough to bridge the gap between two ops. */
    private static final long SPIN_NANOS = 100_000;

    private static volatile int threads = initialThreads();
    private static volatile Pool pool;
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("latent4j.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the default; a bad property must not stop the program
            }
            System.err.println("latent4j: ignoring -Dlatent4j.threads=" + p + " (not a positive integer)");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@return the number of threads ops use} */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads used by every op from now on (1 = run on the caller only).
     *
     * @param n the number of threads, at least 1
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n == threads) return;
        threads = n;
        Pool old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new Pool(Math.max(1, threads - 1));
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body.accept(task)} for task = 0..tasks-1, spread over the pool; the caller takes part.
     * Nested calls from a task, and calls made while another thread is using the pool, run on the calling
     * thread (same results, no deadlock).
     *
     * @param tasks the number of tasks
     * @param body the work of one task
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (tasks == 1 || threads == 1 || IN_WORKER.get()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        Pool p = pool();
        // The caller of a job runs its tasks too, and the lock is reentrant: without the first test, a task
        // on the caller that itself calls forEach (a per-image GEMM inside a convolution's image loop) would
        // start a second job over the first instead of running serially like the same task on a worker.
        if (p.lock.isHeldByCurrentThread() || !p.lock.tryLock()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        try {
            p.run(tasks, body);
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * Splits [0, n) into chunks of {@code grain} elements (the last may be shorter) and runs
     * {@code body.run(lo, hi)} on each; chunk boundaries depend only on n and grain.
     *
     * @param n the number of elements
     * @param grain the elements per chunk
     * @param body the work on one chunk
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int chunks = (n + g - 1) / g;
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        forEach(chunks, c -> body.run(c * g, Math.min(n, (c + 1) * g)));
    }

    /** The body of a {@link #range} loop. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes the elements [lo, hi).
         *
         * @param lo the first element
         * @param hi the element after the last
         */
        void run(int lo, int hi);
    }

    /** One job: tasks are claimed from a shared counter by the caller and the workers. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    if (failure == null) body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    /** Daemon workers that spin briefly, then park, waiting for the next job's generation number. */
    private static final class Pool {
        final ReentrantLock lock = new ReentrantLock();
        final Thread[] workers;
        final boolean[] parked;
        volatile Job job;
        volatile long generation;
        volatile boolean stopped;

        Pool(int n) {
            workers = new Thread[n];
            parked = new boolean[n];
            for (int w = 0; w < n; w++) {
                int id = w;
                Thread t = new Thread(() -> loop(id), "latent4j-worker-" + w);
                t.setDaemon(true);
                workers[w] = t;
                t.start();
            }
        }

        void run(int tasks, IntConsumer body) {
            Job j = new Job(tasks, body);
            job = j;
            generation++;
            for (int w = 0; w < workers.length; w++) {
                if (parkedVolatile(w)) LockSupport.unpark(workers[w]);
            }
            j.work();
            int spins = 0;
            while (j.finished.get() < tasks) {
                // a worker holding the last task may be descheduled: spin briefly, then give up the core
                if (++spins < 2000) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable f = j.failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new RuntimeException(f);
        }

        private boolean parkedVolatile(int w) {
            synchronized (parked) {
                return parked[w];
            }
        }

        private void setParked(int w, boolean value) {
            synchronized (parked) {
                parked[w] = value;
            }
        }

        void loop(int id) {
            IN_WORKER.set(Boolean.TRUE);
            long seen = 0;
            while (!stopped) {
                long g = generation;
                if (g != seen) {
                    seen = g;
                    Job j = job;
                    if (j != null) j.work();
                    continue;
                }
                long spinStart = System.nanoTime();
                while (generation == seen && !stopped && System.nanoTime() - spinStart < SPIN_NANOS) Thread.onSpinWait();
                if (generation == seen && !stopped) {
                    setParked(id, true);
                    // re-check after announcing: a job published in between must not be slept through
                    if (generation == seen && !stopped) LockSupport.park(this);
                    setParked(id, false);
                }
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread t : workers) LockSupport.unpark(t);
        }
    }
}
