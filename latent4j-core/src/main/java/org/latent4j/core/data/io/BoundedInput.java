package org.latent4j.core.data.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.latent4j.core.data.DataFileException;

/**
 * An opened data file that never trusts what the file says about itself.
 *
 * <p>Gzip is detected by its magic number (1f 8b) and decompressed on the fly. The payload readers take
 * the element count a header claims and check it against reality before holding memory for it: for a
 * plain file against the file's size, before allocating; for a gzip stream (whose decompressed size is
 * known only at its end) by reading into a buffer that grows with what the stream actually delivers and
 * never beyond the claim, so a lying header costs at most about twice the real data. Both ways end in the
 * same message when the claim and the data disagree, naming the claim, the header size and the real size.
 */
final class BoundedInput implements Closeable {
    /** The longest Java array the JVMs in use can allocate. */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    static final int CHUNK = 1 << 16;

    private final String name;
    private final InputStream in;
    /** Bytes of (decompressed) content, or -1 when unknown until the end is reached. */
    private final long size;
    private final boolean gzipped;
    private long position;
    private long payloadStart;

    private BoundedInput(String name, InputStream in, long size, boolean gzipped) {
        this.name = name;
        this.in = in;
        this.size = size;
        this.gzipped = gzipped;
    }

    static BoundedInput open(Path path) throws DataFileException {
        String name = path.toString();
        if (Files.isDirectory(path)) throw new DataFileException(name, "is a directory, not a data file");
        InputStream raw;
        long size;
        try {
            size = Files.size(path);
            raw = Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new DataFileException(name, "no such file");
        } catch (AccessDeniedException e) {
            throw new DataFileException(name, "permission denied");
        } catch (IOException e) {
            throw new DataFileException(name, "cannot be opened (" + e.getMessage() + ")", e);
        }
        return start(raw, name, size);
    }

    /** A stream of unknown length (e.g. a class-path resource), named {@code name} in messages. */
    static BoundedInput of(InputStream raw, String name) throws DataFileException {
        if (raw == null) throw new DataFileException(name, "no such file or resource");
        return start(raw, name, -1);
    }

    private static BoundedInput start(InputStream raw, String name, long rawSize) throws DataFileException {
        BufferedInputStream buffered = new BufferedInputStream(raw, CHUNK);
        int b0;
        int b1;
        try {
            buffered.mark(2);
            b0 = buffered.read();
            b1 = buffered.read();
            buffered.reset();
        } catch (IOException e) {
            closeQuietly(buffered);
            throw new DataFileException(name, "cannot be read (" + e.getMessage() + ")", e);
        }
        if (b0 != 0x1f || b1 != 0x8b) return new BoundedInput(name, buffered, rawSize, false);
        try {
            return new BoundedInput(name, new BufferedInputStream(new GZIPInputStream(buffered, CHUNK), CHUNK), -1, true);
        } catch (IOException e) {
            closeQuietly(buffered);
            throw new DataFileException(name, "starts like a gzip file but its gzip header is damaged (" + e.getMessage() + ")", e);
        }
    }

    String name() {
        return name;
    }

    boolean gzipped() {
        return gzipped;
    }

    /** Total (decompressed) bytes, or -1 when not known before the end. */
    long size() {
        return size;
    }

    long position() {
        return position;
    }

    DataFileException fail(String problem) {
        return new DataFileException(name, problem);
    }

    /** Reads up to {@code len} bytes, fewer only at the end of the data; gzip damage becomes one clear error. */
    int readUpTo(byte[] b, int off, int len) throws DataFileException {
        int done = 0;
        try {
            while (done < len) {
                int r = in.read(b, off + done, len - done);
                if (r < 0) break;
                done += r;
            }
        } catch (ZipException | EOFException e) {
            throw fail((gzipped ? "the gzip stream is truncated or damaged" : "the file is truncated") + " after "
                    + fmt(position + done) + (gzipped ? " decompressed" : "") + " bytes (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataFileException(name, "read failed after " + fmt(position + done) + " bytes (" + e.getMessage() + ")", e);
        }
        position += done;
        return done;
    }

    /** Exactly {@code n} header bytes; the message for a short file says which header part was cut. */
    byte[] readHeader(int n, String what) throws DataFileException {
        byte[] b = new byte[n];
        int got = readUpTo(b, 0, n);
        if (got < n) {
            throw fail("ends after " + fmt(position) + " bytes, inside the " + what + (position == 0 ? " (the file is empty)" : ""));
        }
        return b;
    }

    /** Reads to the end and returns how many bytes there were, holding none of them. */
    long skipRest() throws DataFileException {
        byte[] scratch = new byte[CHUNK];
        long n = 0;
        int r;
        while ((r = readUpTo(scratch, 0, scratch.length)) > 0) n += r;
        return n;
    }

    /** The remaining data as a stream, for text formats; damage surfaces as {@link DataFileException}. */
    InputStream rest() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                int r = readUpTo(b, off, len);
                return r == 0 ? -1 : r;
            }
        };
    }

    /**
     * The payload of {@code count} elements as float32. {@code claim} says what the header declared, e.g.
     * "header says 10,000 images of 28x28"; {@code count} is Long.MAX_VALUE when the declared product
     * overflowed.
     */
    float[] readFloats(long count, ElementType type, String claim) throws DataFileException {
        checkClaim(count, type, claim);
        float[][] out = {new float[initialCapacity(count)]};
        stream(count, type, claim, (chunk, first, n) -> {
            if (first + n > out[0].length) out[0] = Arrays.copyOf(out[0], grow(out[0].length, first + n, count, count));
            type.toFloats(chunk, out[0], (int) first, n);
        });
        return out[0];
    }

    /** As {@link #readFloats} for integer element types, as ints (labels). */
    int[] readInts(long count, ElementType type, String claim) throws DataFileException {
        if (!type.isInteger()) throw new IllegalArgumentException(type + " is not an integer type");
        checkClaim(count, type, claim);
        int[][] out = {new int[initialCapacity(count)]};
        stream(count, type, claim, (chunk, first, n) -> {
            if (first + n > out[0].length) out[0] = Arrays.copyOf(out[0], grow(out[0].length, first + n, count, count));
            for (int i = 0; i < n; i++) out[0][(int) first + i] = type.intAt(chunk, i);
        });
        return out[0];
    }

    private void checkClaim(long count, ElementType type, String claim) throws DataFileException {
        payloadStart = position;
        long remaining = size < 0 ? -1 : size - position;
        if (count > MAX_ELEMENTS) {
            throw fail(claim + ": more values than a tensor can hold (at most " + fmt(MAX_ELEMENTS) + ")"
                    + (remaining >= 0 ? ", and the file holds only " + fmt(remaining) + " bytes after the header" : ""));
        }
        if (remaining >= 0 && remaining != count * type.bytes()) throw mismatch(claim, count * type.bytes(), remaining);
    }

    private DataFileException mismatch(String claim, long claimedBytes, long actualBytes) {
        return fail(claim + " (" + fmt(claimedBytes) + " bytes after the " + fmt(payloadStart) + "-byte header) but the "
                + (gzipped ? "decompressed file" : "file") + " holds " + fmt(actualBytes));
    }

    private int initialCapacity(long count) throws DataFileException {
        // A plain file's size was checked against the claim, so the claim is real; a stream's is not yet.
        int n = (int) (size >= 0 ? count : Math.min(count, CHUNK));
        requireHeap(n, count);
        return n;
    }

    static int grownLength(int current, long needed, long cap) {
        return (int) Math.min(cap, Math.max(needed, 2L * current));
    }

    /** The heap a new array may take; a field so that tests can stand in a small heap for the JVM's. */
    static java.util.function.LongSupplier heapLeft = () -> {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    };

    /**
     * Refuses to allocate {@code elements} 4-byte values when the heap cannot hold them: a big honest file, or a small
     * gzip that expands hugely (checked as it grows, since its decompressed size is known only at its end).
     */
    void requireHeap(long elements, long claimed) throws DataFileException {
        long bytes = elements * 4, left = heapLeft.getAsLong();
        if (bytes <= left) return;
        throw fail((gzipped ? "decompresses to more than the Java heap can hold: after " + fmt(position) + " decompressed bytes"
                : "is larger than the Java heap can hold:") + " its " + fmt(claimed) + " values need " + fmt(claimed * 4)
                + " bytes as float32, and the heap has " + fmt(Math.max(0, left)) + " left (a larger heap: LATENT4J_JAVA_OPTS=-Xmx8g)");
    }

    /** {@link #grownLength}, after checking that the heap can hold the grown array. */
    int grow(int current, long needed, long cap, long claimed) throws DataFileException {
        int n = grownLength(current, needed, cap);
        requireHeap(n, claimed);
        return n;
    }

    private interface Sink {
        void take(byte[] chunk, long firstElement, int elements) throws DataFileException;
    }

    private void stream(long count, ElementType type, String claim, Sink sink) throws DataFileException {
        int bytes = type.bytes();
        int perChunk = CHUNK / bytes;
        byte[] buf = new byte[(int) Math.min(perChunk, count) * bytes];
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(perChunk, count - done);
            int got = readUpTo(buf, 0, n * bytes);
            if (got < n * bytes) throw mismatch(claim, count * bytes, done * bytes + got);
            try {
                sink.take(buf, done, n);
            } catch (ElementType.ValueRangeException e) {
                throw fail(e.getMessage() + " (element " + fmt(done + e.index) + ", counting from 0)");
            }
            done += n;
        }
        long extra = skipRest();
        if (extra > 0) throw mismatch(claim, count * bytes, count * bytes + extra);
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private static void closeQuietly(InputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Only reads matter: a failure to release a read-only handle changes no result.
        }
    }

    /** The product of non-negative dimensions, or Long.MAX_VALUE when it overflows (always too many). */
    static long product(long[] dims) {
        long n = 1;
        for (long d : dims) if (d == 0) return 0;
        for (long d : dims) {
            if (n > Long.MAX_VALUE / d) return Long.MAX_VALUE;
            n *= d;
        }
        return n;
    }

    /** Thousands-separated, locale-independent, e.g. 7,840,000. */
    static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
