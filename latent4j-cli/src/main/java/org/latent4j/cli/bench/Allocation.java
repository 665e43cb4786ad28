package org.latent4j.cli.bench;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the Java heap by a fixed set of threads (the caller and the engine's pool), from
 * HotSpot's per-thread allocation counters. Differences between two readings measure what a piece of
 * code allocated, whichever of those threads did it.
 */
final class Allocation {
    private final com.sun.management.ThreadMXBean bean;
    private final long[] threadIds;

    private Allocation(com.sun.management.ThreadMXBean bean, long[] threadIds) {
        this.bean = bean;
        this.threadIds = threadIds;
    }

    /**
     * A meter over the threads alive now; take it after a warm-up so the pool's threads exist. Null when
     * the JVM does not count allocations per thread.
     */
    static Allocation meter() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported()) {
            return null;
        }
        t.setThreadAllocatedMemoryEnabled(true);
        long[] ids = Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::threadId).toArray();
        return new Allocation(t, ids);
    }

    /** Bytes allocated so far by the metered threads. */
    long bytes() {
        long total = 0;
        for (long b : bean.getThreadAllocatedBytes(threadIds)) if (b > 0) total += b;
        return total;
    }
}
