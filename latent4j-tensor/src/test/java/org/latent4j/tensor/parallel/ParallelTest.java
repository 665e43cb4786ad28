package org.latent4j.tensor.parallel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void nestedCallsRunOnTheThreadOfTheTaskThatMadeThem() {
        // a convolution runs a GEMM inside each image task: that inner forEach must stay on the task's
        // thread, including on the caller of the outer job (whose pool lock is reentrant)
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            ConcurrentHashMap<String, Thread> innerThreads = new ConcurrentHashMap<>();
            ConcurrentHashMap<Integer, Thread> outerThreads = new ConcurrentHashMap<>();
            AtomicInteger innerRuns = new AtomicInteger();
            for (int round = 0; round < 20; round++) {
                int r = round;
                Parallel.forEach(4, task -> {
                    outerThreads.put(r * 4 + task, Thread.currentThread());
                    Parallel.forEach(3, inner -> {
                        innerThreads.put(r + "/" + task + "/" + inner, Thread.currentThread());
                        innerRuns.incrementAndGet();
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                });
            }
            assertEquals(20 * 4 * 3, innerRuns.get(), "every inner task ran once");
            innerThreads.forEach((key, thread) -> {
                String[] p = key.split("/");
                Thread outer = outerThreads.get(Integer.parseInt(p[0]) * 4 + Integer.parseInt(p[1]));
                assertSame(outer, thread, "inner task " + key + " ran on another thread than its outer task");
            });
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rangeCoversEveryIndexOnceWithBoundariesFromSizeAndGrainOnly() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                Parallel.setThreads(threads);
                int[] hits = new int[1000];
                ConcurrentHashMap<Integer, Integer> chunks = new ConcurrentHashMap<>();
                Parallel.range(1000, 128, (lo, hi) -> {
                    chunks.put(lo, hi);
                    for (int i = lo; i < hi; i++) hits[i]++;
                });
                for (int h : hits) assertEquals(1, h);
                assertEquals(8, chunks.size());
                assertEquals(1000, chunks.get(896));
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
