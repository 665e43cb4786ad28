package org.latent4j.tensor.parallel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The engine's one thread pool, sized to the cores by default ({@code -Dlatent4j.threads=N} or
 * {@link #setThreads(int)} to change it).
 *
 * <p>Determinism: callers split work into tasks whose boundaries depend only on the problem size, never
 * on the thread count, and each task writes its own output (reductions combine per-task partials in task
 * order). Which thread runs a task is then irrelevant, and results are bit-identical for 1 and N threads.
 */
public final class Parallel {
    private static volatile int threads = initialThreads();
    private static volatile ExecutorService pool;
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

    public static int threads() {
        return threads;
    }

    /** Sets the number of threads used by every op from now on (1 = run on the caller only). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n == threads) return;
        threads = n;
        ExecutorService old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    int workers = Math.max(1, threads - 1);
                    p = Executors.newFixedThreadPool(workers, r -> {
                        Thread t = new Thread(() -> {
                            IN_WORKER.set(Boolean.TRUE);
                            r.run();
                        }, "latent4j-worker");
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body.accept(task)} for task = 0..tasks-1, spread over the pool; the caller takes part.
     * Nested calls from a worker run sequentially (no deadlock, same results).
     */
    public static void forEach(int tasks, IntConsumer body) {
        int t = threads;
        if (tasks <= 0) return;
        if (tasks == 1 || t == 1 || IN_WORKER.get()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            int i;
            while ((i = next.getAndIncrement()) < tasks) body.accept(i);
        };
        int helpers = Math.min(t - 1, tasks - 1);
        ExecutorService p = pool();
        @SuppressWarnings("unchecked")
        Future<?>[] fs = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) fs[h] = p.submit(loop);
        Throwable failure = null;
        boolean wasWorker = IN_WORKER.get();
        IN_WORKER.set(Boolean.TRUE); // nested calls from the body run inline on this thread too
        try {
            loop.run();
        } catch (Throwable e) {
            failure = e;
        } finally {
            IN_WORKER.set(wasWorker);
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }

    /**
     * Splits [0, n) into chunks of {@code grain} elements (the last may be shorter) and runs
     * {@code body.run(lo, hi)} on each; chunk boundaries depend only on n and grain.
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
        void run(int lo, int hi);
    }
}
