package org.latent4j.core.data.io;

import static org.latent4j.core.data.io.BoundedInput.fmt;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.latent4j.core.data.DataFileException;
import org.latent4j.tensor.Tensor;

/**
 * Reads the {@code .fvecs / .ivecs / .bvecs} vector formats (the TEXMEX ANN benchmark files), plain or
 * gzipped, as an [n, d] float32 tensor.
 *
 * <p>Each record is its dimension as a little-endian int32 followed by that many elements: float32
 * (fvecs), int32 (ivecs) or uint8 (bvecs), little-endian. Every record must have the dimension of the
 * first. Records are numbered from 1 in messages. An ivecs value that float32 cannot hold exactly
 * (beyond 2^24) is an error rather than a silent rounding.
 */
public final class VecsReader {
    private VecsReader() {}

    public enum Kind {
        FVECS(ElementType.FLOAT32_LE),
        IVECS(ElementType.INT32_LE),
        BVECS(ElementType.UINT8);

        final ElementType element;

        Kind(ElementType element) {
            this.element = element;
        }

        /** The kind named by a file's extension (.fvecs, .ivecs, .bvecs, optionally followed by .gz). */
        public static Kind of(Path path) throws DataFileException {
            String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
            for (Kind k : values()) if (n.endsWith("." + k.name().toLowerCase(Locale.ROOT))) return k;
            throw new DataFileException(path.toString(), "has none of the extensions .fvecs, .ivecs, .bvecs; name the kind explicitly");
        }
    }

    /** Reads a file whose kind its extension names. */
    public static Tensor read(Path path) throws DataFileException {
        return read(path, Kind.of(path));
    }

    public static Tensor read(Path path, Kind kind) throws DataFileException {
        try (BoundedInput in = BoundedInput.open(path)) {
            return read(in, kind);
        }
    }

    public static Tensor read(InputStream stream, String name, Kind kind) throws DataFileException {
        try (BoundedInput in = BoundedInput.of(stream, name)) {
            return read(in, kind);
        }
    }

    private static Tensor read(BoundedInput in, Kind kind) throws DataFileException {
        ElementType type = kind.element;
        byte[] prefix = new byte[4];
        int got = in.readUpTo(prefix, 0, 4);
        if (got == 0) throw in.fail("is empty: it holds no vectors");
        if (got < 4) throw in.fail("record 1 is truncated: it holds " + got + " of the 4 bytes of its dimension");
        int dim = littleInt(prefix);
        if (dim <= 0) throw in.fail("record 1 declares dimension " + dim + "; a dimension must be positive");
        long recordBytes = 4 + (long) dim * type.bytes();

        float[] out;
        if (in.size() >= 0) {
            // The size of a plain file tells the record count up front: allocate once, exactly.
            long expectedRecords = in.size() / recordBytes;
            if (expectedRecords == 0) throw truncated(in, 1, dim, recordBytes, in.size());
            long values = expectedRecords * dim;
            if (values > BoundedInput.MAX_ELEMENTS) {
                throw in.fail(fmt(expectedRecords) + " records of dimension " + fmt(dim) + " are more values than a tensor can hold (at most "
                        + fmt(BoundedInput.MAX_ELEMENTS) + ")");
            }
            out = new float[(int) values];
        } else {
            if (dim > BoundedInput.MAX_ELEMENTS) throw in.fail("record 1 declares dimension " + fmt(dim) + ", more values than a tensor can hold");
            out = new float[Math.min(dim, BoundedInput.CHUNK)];
        }

        int perChunk = BoundedInput.CHUNK / type.bytes();
        byte[] buf = new byte[perChunk * type.bytes()];
        long records = 0;
        while (true) {
            long record = records + 1;
            if (records > 0) {
                got = in.readUpTo(prefix, 0, 4);
                if (got == 0) break;
                if (got < 4) throw truncated(in, record, dim, recordBytes, got);
                int d = littleInt(prefix);
                if (d != dim) throw in.fail("record " + fmt(record) + " has dimension " + d + " but record 1 has dimension " + dim);
            }
            long base = records * dim;
            if (base + dim > BoundedInput.MAX_ELEMENTS) {
                throw in.fail("more than " + fmt(records) + " records of dimension " + fmt(dim) + " are more values than a tensor can hold");
            }
            int done = 0;
            while (done < dim) {
                int n = Math.min(perChunk, dim - done);
                int bytes = in.readUpTo(buf, 0, n * type.bytes());
                if (bytes < n * type.bytes()) throw truncated(in, record, dim, recordBytes, 4 + (long) done * type.bytes() + bytes);
                if (base + done + n > out.length) out = Arrays.copyOf(out, in.grow(out.length, base + done + n, BoundedInput.MAX_ELEMENTS, base + done + n));
                try {
                    type.toFloats(buf, out, (int) (base + done), n);
                } catch (ElementType.ValueRangeException e) {
                    throw in.fail("record " + fmt(record) + ", component " + (done + e.index + 1) + ": " + e.getMessage());
                }
                done += n;
            }
            records++;
        }
        long values = records * dim;
        if (out.length != values) out = Arrays.copyOf(out, (int) values);
        return Tensor.wrap(out, (int) records, dim);
    }

    private static DataFileException truncated(BoundedInput in, long record, int dim, long recordBytes, long held) {
        return in.fail("record " + fmt(record) + " is truncated: it holds " + fmt(held) + " of its " + fmt(recordBytes)
                + " bytes (dimension " + dim + ", from record 1)");
    }

    private static int littleInt(byte[] b) {
        return (b[0] & 0xff) | ((b[1] & 0xff) << 8) | ((b[2] & 0xff) << 16) | ((b[3] & 0xff) << 24);
    }
}
