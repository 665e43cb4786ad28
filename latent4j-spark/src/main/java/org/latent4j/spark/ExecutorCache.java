package org.latent4j.spark;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What an executor JVM has loaded from the bytes transformers ship (models, compressors), keyed by the bytes' SHA-256:
 * the first task of a JVM to need a payload loads it, every later task of any stage reuses it, and tasks that ask at the
 * same time wait for the one load. Loaded payloads are used read-only by the tasks that share them (see
 * docs/spark.md: the engine is safe for several tasks of one JVM). The {@value #CAPACITY} most recently used stay.
 */
final class ExecutorCache {
    private ExecutorCache() {}

    /** Payloads kept: a pipeline rarely holds more models than this, and each is tens of MB at most. */
    static final int CAPACITY = 8;

    /** Turns payload bytes into what a transformer uses; the message of its exception names the problem. */
    @FunctionalInterface
    interface Loader<T> {
        T load(byte[] bytes) throws Exception;
    }

    private static final Map<String, CompletableFuture<Object>> LOADED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Object>> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Loads counted since the JVM started, for the test that a payload is loaded once per JVM. */
    private static long loads;

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    /**
     * The payload loaded, from this JVM's cache or now.
     *
     * @param key    the bytes' SHA-256 ({@link #sha256}), computed once on the driver
     * @param bytes  the payload
     * @param type   what the loader returns
     * @param loader loads it
     * @return the loaded payload
     * @throws IllegalArgumentException with the loader's message when the bytes cannot be loaded
     */
    static <T> T get(String key, byte[] bytes, Class<T> type, Loader<T> loader) {
        CompletableFuture<Object> entry;
        boolean mine = false;
        synchronized (LOADED) {
            entry = LOADED.get(key);
            if (entry == null) {
                entry = new CompletableFuture<>();
                LOADED.put(key, entry);
                mine = true;
                loads++;
            }
        }
        if (mine) {
            try {
                entry.complete(loader.load(bytes));
            } catch (Exception | Error e) {
                entry.completeExceptionally(e);
                synchronized (LOADED) {
                    // a failed load is not kept: the next task tries again (and fails with the same message)
                    LOADED.remove(key, entry);
                }
            }
        }
        try {
            return type.cast(entry.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a Latent4j payload", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException(cause.getMessage(), cause);
        }
    }

    /** {@return how many loads this JVM has started} */
    static long loads() {
        synchronized (LOADED) {
            return loads;
        }
    }
}
