package org.latent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The executor-side cache: one load per payload however many tasks ask at once, and no cached failure. */
class ExecutorCacheTest {
    @Test
    void tasksAskingAtOnceShareOneLoad() throws Exception {
        byte[] payload = "payload shared by eight tasks".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = ExecutorCache.sha256(payload);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object>> got = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                got.add(pool.submit(() -> {
                    start.await();
                    return ExecutorCache.get(key, payload, Object.class, b -> {
                        loads.incrementAndGet();
                        // slow enough that the other tasks ask while it runs
                        Thread.sleep(200);
                        return new Object();
                    });
                }));
            }
            start.countDown();
            Object first = got.get(0).get();
            for (Future<Object> f : got) assertSame(first, f.get());
            assertEquals(1, loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadIsReportedAndTriedAgain() {
        byte[] payload = "damaged payload".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String key = ExecutorCache.sha256(payload);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorCache.Loader<String> failing = b -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("the bytes are damaged");
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutorCache.get(key, payload, String.class, failing));
        assertEquals("the bytes are damaged", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExecutorCache.get(key, payload, String.class, failing));
        assertEquals(2, attempts.get());
        assertEquals("loaded", ExecutorCache.get(key, payload, String.class, b -> "loaded"));
    }
}
