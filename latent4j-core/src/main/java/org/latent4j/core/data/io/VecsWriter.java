package org.latent4j.core.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.latent4j.core.io.AtomicFiles;

/**
 * Writes the {@code .fvecs} and {@code .ivecs} formats that {@link VecsReader} reads: each of n records is its
 * dimension d as a little-endian int32, then d little-endian float32 (fvecs) or int32 (ivecs) values. Atomic.
 */
public final class VecsWriter {
    private VecsWriter() {}

    /**
     * Writes rows [n, d] of {@code values} (row-major) as an .fvecs file.
     *
     * @param path   the file to replace or create
     * @param values the rows, row-major
     * @param n      the number of rows
     * @param d      values per row
     * @throws IOException if the file cannot be written
     */
    public static void writeFloats(Path path, float[] values, int n, int d) throws IOException {
        write(path, n, d, values.length, (buf, from, count) -> buf.asFloatBuffer().put(values, from, count));
    }

    /**
     * Writes rows [n, d] of {@code values} (row-major) as an .ivecs file (neighbour ids, say).
     *
     * @param path   the file to replace or create
     * @param values the rows, row-major
     * @param n      the number of rows
     * @param d      values per row
     * @throws IOException if the file cannot be written
     */
    public static void writeInts(Path path, int[] values, int n, int d) throws IOException {
        write(path, n, d, values.length, (buf, from, count) -> buf.asIntBuffer().put(values, from, count));
    }

    private interface Row {
        void put(ByteBuffer littleEndian, int from, int count);
    }

    private static void write(Path path, int n, int d, int length, Row row) throws IOException {
        if (n < 0 || d < 1 || (long) n * d != length) {
            throw new IllegalArgumentException("VecsWriter: " + length + " values are not " + n + " rows of " + d + " (d must be positive)");
        }
        AtomicFiles.write(path, out -> {
            ByteBuffer b = ByteBuffer.allocate(4 + 4 * d).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.clear();
                b.putInt(0, d);
                row.put(b.position(4).slice().order(ByteOrder.LITTLE_ENDIAN), i * d, d);
                out.write(b.array(), 0, 4 + 4 * d);
            }
        });
    }
}
