package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Helpers for the data tests: files written by the test, gzip, allocation measurement, message checks. */
public final class TestFiles {
    private TestFiles() {}

    public static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code reading}, which must fail with a DataFileException whose message starts with {@code file}
     * and contains each of {@code fragments}; returns the message.
     */
    public static String assertFails(String file, Executable reading, String... fragments) {
        DataFileException e = assertThrows(DataFileException.class, reading);
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), () -> "message does not start with the file " + file + ": " + m);
        assertEquals(file, e.file());
        for (String f : fragments) assertTrue(m.contains(f), () -> "message lacks \"" + f + "\": " + m);
        return m;
    }

    /** Bytes allocated on this thread while {@code action} runs (HotSpot's per-thread allocation counter). */
    public static long allocatedBytes(Executable action) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        try {
            action.execute();
        } catch (Throwable expected) {
            // The callers measure failing reads; what they throw is checked separately.
        }
        return bean.getCurrentThreadAllocatedBytes() - before;
    }
}
