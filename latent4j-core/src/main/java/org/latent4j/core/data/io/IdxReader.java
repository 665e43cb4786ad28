package org.latent4j.core.data.io;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;
import org.latent4j.core.data.DataFileException;
import org.latent4j.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (detected by content).
 *
 * <p>Layout: two zero bytes, an element-type byte (0x08 ubyte, 0x09 signed byte, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64), a dimension count byte, one big-endian int32 per dimension, then the
 * elements, big-endian, row-major. Images are magic 0x00000803 (ubyte, [n, rows, cols]) and labels
 * 0x00000801 (ubyte, [n]). The header is checked against the real size of the data before anything is
 * allocated for it (see {@link BoundedInput}); values are not rescaled (a ubyte pixel reads as 0..255).
 */
public final class IdxReader {
    private IdxReader() {}

    /** The element type codes of the third magic byte. */
    public enum Type {
        /** 0x08: unsigned bytes (images, labels) */
        UBYTE(0x08, ElementType.UINT8),
        /** 0x09: signed bytes */
        BYTE(0x09, ElementType.INT8),
        /** 0x0B: big-endian int16 */
        SHORT(0x0B, ElementType.INT16_BE),
        /** 0x0C: big-endian int32 */
        INT(0x0C, ElementType.INT32_BE),
        /** 0x0D: big-endian float32 */
        FLOAT(0x0D, ElementType.FLOAT32_BE),
        /** 0x0E: big-endian float64 */
        DOUBLE(0x0E, ElementType.FLOAT64_BE);

        /** The type's code, the third byte of the magic number. */
        public final int code;
        final ElementType element;

        Type(int code, ElementType element) {
            this.code = code;
            this.element = element;
        }

        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * An IDX array: its element type, its shape and its values as float32 in a tensor of that shape.
     *
     * @param type   the element type the file declares
     * @param shape  the dimensions the header gives (copied)
     * @param values the values as float32, of that shape
     */
    public record IdxArray(Type type, int[] shape, Tensor values) {
        /** Copies the shape. */
        public IdxArray {
            shape = shape.clone();
        }

        /** {@return a copy of the shape} */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** {@return the number of dimensions} */
        public int rank() {
            return shape.length;
        }
    }

    /**
     * Reads an IDX file, plain or gzipped.
     *
     * @param path the file
     * @return its type, shape and values
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static IdxArray read(Path path) throws DataFileException {
        try (BoundedInput in = BoundedInput.open(path)) {
            return read(in);
        }
    }

    /**
     * Reads from a stream (e.g. a class-path resource).
     *
     * @param stream the IDX bytes, plain or gzipped
     * @param name   names the stream in messages
     * @return its type, shape and values
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static IdxArray read(InputStream stream, String name) throws DataFileException {
        try (BoundedInput in = BoundedInput.of(stream, name)) {
            return read(in);
        }
    }

    /**
     * Reads a 1-D IDX array of an integer type (labels) as ints, exactly.
     *
     * @param path the file
     * @return the labels
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static int[] readLabels(Path path) throws DataFileException {
        try (BoundedInput in = BoundedInput.open(path)) {
            return readLabels(in);
        }
    }

    /**
     * Reads labels from a stream.
     *
     * @param stream the IDX bytes, plain or gzipped
     * @param name   names the stream in messages
     * @return the labels
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static int[] readLabels(InputStream stream, String name) throws DataFileException {
        try (BoundedInput in = BoundedInput.of(stream, name)) {
            return readLabels(in);
        }
    }

    private record Header(Type type, long[] dims, long count, String claim) {}

    private static IdxArray read(BoundedInput in) throws DataFileException {
        Header h = header(in);
        float[] values = in.readFloats(h.count, h.type.element, h.claim);
        int[] shape = new int[h.dims.length];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) h.dims[i];
        return new IdxArray(h.type, shape, Tensor.wrap(values, shape));
    }

    private static int[] readLabels(BoundedInput in) throws DataFileException {
        Header h = header(in);
        if (h.dims.length != 1) {
            throw in.fail("holds " + h.dims.length + "-dimensional " + h.type.label() + " data of shape " + shapeText(h.dims)
                    + ", not a 1-dimensional list of labels (magic 0x00000801 for ubyte labels)");
        }
        if (!h.type.element.isInteger()) {
            throw in.fail("holds " + h.type.label() + " values, not integer labels (magic 0x00000801 for ubyte labels)");
        }
        return in.readInts(h.count, h.type.element, h.claim);
    }

    private static Header header(BoundedInput in) throws DataFileException {
        byte[] m = in.readHeader(4, "4-byte magic number");
        int magic = ((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
        if (m[0] != 0 || m[1] != 0) {
            throw in.fail(String.format("is not an IDX file: its magic number 0x%08X does not start with two zero bytes", magic));
        }
        Type type = Type.of(m[2] & 0xff);
        if (type == null) {
            throw in.fail(String.format("magic number 0x%08X has unknown IDX element type 0x%02X (known: 0x08 ubyte, 0x09 byte, "
                    + "0x0B short, 0x0C int, 0x0D float, 0x0E double)", magic, m[2] & 0xff));
        }
        int rank = m[3] & 0xff;
        if (rank == 0) throw in.fail(String.format("magic number 0x%08X declares 0 dimensions", magic));
        byte[] d = in.readHeader(4 * rank, "sizes of its " + rank + " dimensions (header of " + (4 + 4 * rank) + " bytes)");
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            int p = 4 * i;
            // IDX sizes are unsigned; a value with the top bit set is over 2^31 and is caught as too large below.
            dims[i] = ((d[p] & 0xffL) << 24) | ((d[p + 1] & 0xffL) << 16) | ((d[p + 2] & 0xffL) << 8) | (d[p + 3] & 0xffL);
        }
        in.checkTensorShape(dims, shapeText(dims));
        long count = BoundedInput.product(dims);
        return new Header(type, dims, count, claim(type, dims, count));
    }

    private static String claim(Type type, long[] dims, long count) {
        if (type == Type.UBYTE && dims.length == 3) {
            return "header says " + BoundedInput.fmt(dims[0]) + " images of " + dims[1] + "x" + dims[2];
        }
        if (dims.length == 1 && type.element.isInteger()) {
            return "header says " + BoundedInput.fmt(dims[0]) + " " + type.label() + " labels";
        }
        return "header says " + (count == Long.MAX_VALUE ? "" : BoundedInput.fmt(count) + " ") + type.label() + " values of shape " + shapeText(dims);
    }

    private static String shapeText(long[] dims) {
        StringJoiner j = new StringJoiner("x");
        Arrays.stream(dims).forEach(x -> j.add(Long.toString(x)));
        return j.toString();
    }
}
