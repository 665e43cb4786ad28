package org.latent4j.compress.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;

/**
 * A fitted compressor and, optionally, the codes of some vectors: the {@code .l4jc} file. A file with count 0 and
 * no codes holds just the model ({@code compress fit} writes one; {@code compress encode} reads it).
 *
 * <p>Layout, every number little-endian:
 * <pre>
 *   8 bytes   magic "L4JCODES"
 *   uint32    format version (1)
 *   uint32    header length H
 *   H bytes   header, UTF-8 JSON: {"spec", "dimension", "count", "codeSize", "metric", "stages": [{"kind", "token",
 *             "config": {...}, "tensors": [{"name", "shape": [...]}, ...]}, ...]}
 *   ...       each stage's tensors in header order, float32, row-major
 *   count * codeSize bytes   the codes, vector i at i * codeSize
 *   uint32    CRC32C of every byte before it
 * </pre>
 * Reading checks, in order, the magic, the version, the header, that the file's length is exactly what the header
 * describes (before anything that size is allocated), the checksum, and then that each stage's kind accepts its
 * arrays and that the rebuilt compressor has the header's dimension and code size; any failure is one
 * {@link DataFileException} naming the file and what is wrong.
 *
 * @param compressor the fitted compressor
 * @param metric     the metric the codes are meant to be searched by
 * @param count      how many codes the file holds (0 for a model file)
 * @param codes      {@code count * compressor.codeSize()} bytes, code i at {@code i * codeSize}
 */
public record CodesFile(Compressor compressor, Metric metric, int count, byte[] codes) {
    /** The extension of codes files. */
    public static final String EXTENSION = ".l4jc";
    static final byte[] MAGIC = "L4JCODES".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Magic, version, header length before the header; the checksum after everything. */
    static final int PREFIX = 16, SUFFIX = 4;

    /** Requires exactly {@code count} codes of the compressor's code size. */
    public CodesFile {
        if (count < 0 || (long) count * compressor.codeSize() != codes.length) {
            throw new IllegalArgumentException(count + " codes of " + compressor.codeSize() + " bytes need " + (long) count * compressor.codeSize()
                    + " bytes, got " + codes.length);
        }
    }

    /** The codes file's header as stored (component names are the JSON keys). */
    record Header(String spec, int dimension, long count, int codeSize, String metric, List<StageHeader> stages) {}

    record StageHeader(String kind, String token, Json.Value config, List<TensorHeader> tensors) {}

    record TensorHeader(String name, int[] shape) {}

    /**
     * Writes a compressor and its codes atomically.
     *
     * @param file       the file to replace or create
     * @param compressor the fitted compressor
     * @param metric     the metric the codes are meant to be searched by
     * @param codes      at least {@code count} codes (only the first {@code count} are written)
     * @param count      how many codes to write
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Compressor compressor, Metric metric, byte[] codes, int count) throws IOException {
        new CodesFile(compressor, metric, count, codes.length == (long) count * compressor.codeSize() ? codes
                : Arrays.copyOf(codes, Math.multiplyExact(count, compressor.codeSize()))).write(file);
    }

    /**
     * Writes a fitted compressor alone (no codes), the file {@code compress fit} makes.
     *
     * @param file       the file to replace or create
     * @param compressor the fitted compressor
     * @throws IOException if the file cannot be written
     */
    public static void writeModel(Path file, Compressor compressor) throws IOException {
        new CodesFile(compressor, Metric.L2, 0, new byte[0]).write(file);
    }

    /**
     * Writes this file atomically: a reader sees the old file or the whole new one.
     *
     * @param file the file to replace or create
     * @throws IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, this::writeTo);
    }

    /**
     * {@return the content {@link #write(Path)} writes, for a compressor that travels in memory (to Spark executors)}
     */
    public byte[] toBytes() {
        return AtomicFiles.inMemory(this::writeTo);
    }

    private void writeTo(java.io.OutputStream raw) throws IOException {
        List<StageState> states = Compressors.states(compressor);
        List<StageHeader> stages = new ArrayList<>();
        List<Tensor> payload = new ArrayList<>();
        for (StageState s : states) {
            List<TensorHeader> tensors = new ArrayList<>();
            // sorted by name: StageState's map has no order of its own, and the file should not change between runs
            for (Map.Entry<String, Tensor> e : new TreeMap<>(s.tensors()).entrySet()) {
                tensors.add(new TensorHeader(e.getKey(), e.getValue().shape()));
                payload.add(e.getValue().contiguous());
            }
            stages.add(new StageHeader(s.kind(), s.token(), Json.parse(s.config(), "stage " + s.token() + " config"), tensors));
        }
        Header header = new Header(compressor.token(), compressor.dimension(), count, compressor.codeSize(), metric.label(), stages);
        byte[] headerBytes = Json.writeCompact(Json.toJson(header)).getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
        out.write(MAGIC);
        out.writeInt(Integer.reverseBytes(VERSION));
        out.writeInt(Integer.reverseBytes(headerBytes.length));
        out.write(headerBytes);
        byte[] buf = new byte[1 << 16];
        for (Tensor t : payload) {
            float[] v = t.data();
            int off = t.offset(), n = t.size();
            for (int i = 0; i < n; ) {
                int m = Math.min(n - i, buf.length / 4);
                ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v, off + i, m);
                out.write(buf, 0, 4 * m);
                i += m;
            }
        }
        out.write(codes);
        out.flush();
        int sum = (int) crc.getValue();
        raw.write(new byte[] {(byte) sum, (byte) (sum >> 8), (byte) (sum >> 16), (byte) (sum >> 24)});
    }

    /**
     * Reads and validates a codes file (see the class comment for the checks).
     *
     * @param file the codes file
     * @return its compressor, metric and codes
     * @throws IOException a {@link DataFileException} naming the file and what is wrong, or the I/O error
     */
    public static CodesFile read(Path file) throws IOException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) throw new DataFileException(name, Files.exists(file) ? "is not a regular file" : "no such file");
        long size = Files.size(file);
        if (size < PREFIX + SUFFIX) throw new DataFileException(name, "is not a latent4j codes file: " + size + " bytes are too few for even its header");
        if (size > Integer.MAX_VALUE - 16) {
            throw new DataFileException(name, "holds " + size + " bytes; codes files of 2 GB or more are not supported (split the vectors)");
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length != size) throw new DataFileException(name, "changed while it was read");
        return fromBytes(all, name);
    }

    /**
     * Reads and validates a codes file's content held in memory (what {@link #toBytes} gives), with the checks of
     * {@link #read(Path)}.
     *
     * @param all  the content
     * @param name what to call it in messages
     * @return its compressor, metric and codes
     * @throws DataFileException naming it and what is wrong
     */
    public static CodesFile fromBytes(byte[] all, String name) throws DataFileException {
        long size = all.length;
        if (size < PREFIX + SUFFIX) throw new DataFileException(name, "is not a latent4j codes file: " + size + " bytes are too few for even its header");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (!Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DataFileException(name, "is not a latent4j codes file: it does not start with the magic L4JCODES");
        }
        int version = b.getInt(8);
        if (version != VERSION) throw new DataFileException(name, "has codes file format version " + Integer.toUnsignedString(version) + "; this latent4j reads version " + VERSION);
        long headerLength = Integer.toUnsignedLong(b.getInt(12));
        if (headerLength > size - PREFIX - SUFFIX) {
            throw new DataFileException(name, "header length " + headerLength + " bytes is more than the file's remaining " + (size - PREFIX - SUFFIX) + " bytes");
        }
        Header h;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(all, PREFIX, (int) headerLength)).toString();
            h = Json.fromJson(Json.parse(text, name + " header"), Header.class, name + " header");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataFileException(name, "header is not valid UTF-8");
        } catch (RuntimeException e) {
            throw new DataFileException(name, "header is not valid: " + e.getMessage());
        }
        if (h.stages() == null || h.stages().isEmpty()) throw new DataFileException(name, "header lists no stages");
        if (h.count() < 0) throw new DataFileException(name, "header says count " + h.count() + "; a count cannot be negative");
        if (h.codeSize() < 1 || h.dimension() < 1) {
            throw new DataFileException(name, "header says dimension " + h.dimension() + " and code size " + h.codeSize() + "; both must be positive");
        }
        long values = 0;
        for (StageHeader s : h.stages()) {
            if (s.tensors() == null) throw new DataFileException(name, "stage " + s.token() + " lists no tensors");
            for (TensorHeader t : s.tensors()) {
                long n = 1;
                if (t.shape() == null) throw new DataFileException(name, "stage " + s.token() + " tensor " + t.name() + " has no shape");
                for (int dim : t.shape()) {
                    if (dim < 0) throw new DataFileException(name, "stage " + s.token() + " tensor " + t.name() + " has shape " + Arrays.toString(t.shape()) + " with a negative dimension");
                    n = saturatingMultiply(n, dim);
                }
                values = saturatingAdd(values, n);
            }
        }
        long codeBytes = saturatingMultiply(h.count(), h.codeSize());
        long expected = saturatingAdd(saturatingAdd(PREFIX + headerLength + SUFFIX, saturatingMultiply(values, 4)), codeBytes);
        if (expected != size) {
            throw new DataFileException(name, (expected > size ? "is truncated or its header is wrong" : "is longer than its header says") + ": the header describes "
                    + h.count() + " codes of " + h.codeSize() + " bytes and " + values + " stage values, "
                    + (expected == Long.MAX_VALUE ? "more bytes than any file holds" : expected + " bytes in all") + ", but the file holds " + size + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - SUFFIX);
        int stored = b.getInt(all.length - SUFFIX);
        if ((int) crc.getValue() != stored) {
            throw new DataFileException(name, "is corrupt: its CRC32C checksum does not match its contents (stored " + Integer.toHexString(stored)
                    + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
        }
        int pos = (int) (PREFIX + headerLength);
        List<StageState> states = new ArrayList<>();
        for (StageHeader s : h.stages()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (TensorHeader t : s.tensors()) {
                int n = 1;
                for (int dim : t.shape()) n *= dim;
                float[] v = new float[n];
                b.slice(pos, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                pos += 4 * n;
                if (tensors.put(t.name(), Tensor.wrap(v, t.shape())) != null) throw new DataFileException(name, "stage " + s.token() + " has two tensors named " + t.name());
            }
            String config = s.config() == null ? "{}" : Json.writeCompact(s.config());
            if (s.kind() == null || s.token() == null) throw new DataFileException(name, "a stage lacks its kind or token");
            states.add(new StageState(s.kind(), s.token(), config, tensors));
        }
        Compressor c;
        try {
            c = Compressors.load(states);
        } catch (RuntimeException e) {
            throw new DataFileException(name, "cannot rebuild compressor " + h.spec() + ": " + e.getMessage());
        }
        if (c.dimension() != h.dimension() || c.codeSize() != h.codeSize()) {
            throw new DataFileException(name, "header says dimension " + h.dimension() + " and code size " + h.codeSize() + " but its stages make "
                    + c.token() + " of dimension " + c.dimension() + " and code size " + c.codeSize());
        }
        if (h.count() > Integer.MAX_VALUE) throw new DataFileException(name, "holds " + h.count() + " codes; at most " + Integer.MAX_VALUE + " are supported");
        Metric metric;
        try {
            metric = Metric.parse(h.metric() == null ? "l2" : h.metric());
        } catch (IllegalArgumentException e) {
            throw new DataFileException(name, "header: " + e.getMessage());
        }
        byte[] codes = Arrays.copyOfRange(all, pos, pos + (int) codeBytes);
        return new CodesFile(c, metric, (int) h.count(), codes);
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b), lo = a * b;
        return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
