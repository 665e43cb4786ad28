package org.latent4j.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.io.Json.Cursor;
import org.latent4j.core.io.Json.Value;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * The safetensors format, which PyTorch, JAX and NumPy users read with Hugging Face's {@code safetensors}
 * package.
 *
 * <p>Layout: 8 bytes little-endian unsigned header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {string: string}, "NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}},
 * padded with spaces so the data starts 8-byte aligned; then the data section, where each tensor occupies
 * {@code [begin, end)} (offsets relative to the start of the data section), little-endian, row-major (C order).
 *
 * <p><b>Writing</b> stores float32 tensors in the order the reference implementation uses for a single dtype
 * (names sorted by their UTF-8 bytes) and escapes the header as it does, so for the same tensors and at most
 * one metadata entry the file is byte-identical to the reference's. Metadata keeps the caller's order (the
 * reference's is arbitrary). The file is written atomically ({@link AtomicFiles}).
 *
 * <p><b>Reading</b> validates everything before allocating tensor memory, with the reference's rules: header
 * length at most 100,000,000 bytes and within the file; valid UTF-8 JSON object; known dtypes; each tensor's
 * byte length equal to its element count times its dtype size; tensors laid end to end without overlap or gap
 * and covering the data section exactly. Two deliberate differences: a duplicate key in the header is an error
 * here (the reference silently keeps the last), and unknown fields inside a tensor entry are ignored as the
 * reference ignores them. The data section is memory-mapped, so only the tensors asked for are copied onto
 * the heap. Tensors of dtypes F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL are
 * returned as float32 (F32, F16 and BF16 exactly; the others rounded to the nearest float); other dtypes give
 * an unsupported-dtype error when read.
 */
public final class Safetensors {
    private Safetensors() {}

    /** The reference implementation refuses larger headers, so a larger one is a corrupt length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Header key of the free-form string map. */
    public static final String METADATA_KEY = "__metadata__";

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The element types of the format, with their size in bits as the reference defines them: booleans, unsigned and
     * signed integers ({@code U8}..{@code I64}), IEEE and brain floats ({@code F16}, {@code BF16}, {@code F32},
     * {@code F64}), the 4-, 6- and 8-bit float formats of recent models, and complex64.
     */
    public enum DType {
        /** a byte per boolean, non-zero for true */
        BOOL(8),
        /** 4-bit float (E2M1) */
        F4(4),
        /** 6-bit float, 2 exponent and 3 mantissa bits */
        F6_E2M3(6),
        /** 6-bit float, 3 exponent and 2 mantissa bits */
        F6_E3M2(6),
        /** unsigned byte */
        U8(8),
        /** signed byte */
        I8(8),
        /** 8-bit float, 5 exponent and 2 mantissa bits */
        F8_E5M2(8),
        /** 8-bit float, 4 exponent and 3 mantissa bits */
        F8_E4M3(8),
        /** 8-bit power-of-two scale (exponent only) */
        F8_E8M0(8),
        /** 8-bit float E4M3, finite, no negative zero */
        F8_E4M3FNUZ(8),
        /** 8-bit float E5M2, finite, no negative zero */
        F8_E5M2FNUZ(8),
        /** signed 16-bit integer */
        I16(16),
        /** unsigned 16-bit integer */
        U16(16),
        /** IEEE half precision */
        F16(16),
        /** bfloat16, the top half of a float32 */
        BF16(16),
        /** signed 32-bit integer */
        I32(32),
        /** unsigned 32-bit integer */
        U32(32),
        /** IEEE single precision */
        F32(32),
        /** complex of two float32 */
        C64(64),
        /** IEEE double precision */
        F64(64),
        /** signed 64-bit integer */
        I64(64),
        /** unsigned 64-bit integer */
        U64(64);

        private final int bits;

        DType(int bits) {
            this.bits = bits;
        }

        /** {@return the size of one element in bits} */
        public int bits() {
            return bits;
        }

        /** {@return whether the type is a floating-point one (the F* types and BF16)} */
        public boolean isFloatingPoint() {
            return name().startsWith("F") || this == BF16;
        }

        /** {@return whether {@link Reader#read} can convert this dtype to float32} */
        public boolean isReadable() {
            return switch (this) {
                case F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL -> true;
                default -> false;
            };
        }
    }

    /**
     * One tensor entry of a header.
     *
     * @param name  the tensor's name
     * @param dtype its element type
     * @param shape its shape (copied)
     * @param begin the byte offset of its first element in the data section
     * @param end   the byte offset just past its last element in the data section
     */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        /** Copies the shape. */
        public TensorInfo {
            shape = shape.clone();
        }

        /** {@return a copy of the shape} */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** {@return the number of elements, the product of the shape} */
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
        }
    }

    /** The file is not a valid safetensors file; the message names the file, the tensor and the numbers. */
    public static class FormatException extends IOException {
        /**
         * A format error.
         *
         * @param message names the file and what is wrong
         */
        public FormatException(String message) {
            super(message);
        }

        /**
         * A format error found through another.
         *
         * @param message names the file and what is wrong
         * @param cause   the error that revealed it (a JSON error in the header)
         */
        public FormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes float32 tensors and optional metadata ({@code null} writes no {@code __metadata__} entry) to
     * {@code file} atomically. Non-contiguous tensors are written in their logical row-major order.
     *
     * @param file     the file to replace or create
     * @param tensors  the tensors by name, written in the map's order
     * @param metadata the {@code __metadata__} strings, or null
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        checkNames(tensors);
        AtomicFiles.write(file, out -> write(out, tensors, metadata));
    }

    /**
     * {@return the bytes {@link #write(Path, Map, Map)} puts in a file, for a model that travels in memory}
     *
     * @param tensors  the tensors by name
     * @param metadata the {@code __metadata__} strings, or null
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        checkNames(tensors);
        return AtomicFiles.inMemory(out -> write(out, tensors, metadata));
    }

    private static void checkNames(Map<String, Tensor> tensors) {
        for (String name : tensors.keySet()) {
            if (name == null || name.equals(METADATA_KEY)) throw new IllegalArgumentException("safetensors: invalid tensor name " + name);
            if (tensors.get(name) == null) throw new IllegalArgumentException("safetensors: tensor " + name + " is null");
        }
    }

    private static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<String> names = new ArrayList<>(tensors.keySet());
        names.sort(UTF8_ORDER);
        byte[] header = header(names, tensors, metadata);
        byte[] len = new byte[8];
        ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len);
        out.write(header);
        byte[] chunk = new byte[1 << 16];
        for (String name : names) writeFloats(out, tensors.get(name), chunk);
    }

    /** Code point order, which is the byte order of UTF-8 that the reference sorts by. */
    private static final Comparator<String> UTF8_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private static byte[] header(List<String> names, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Value> root = new LinkedHashMap<>();
        if (metadata != null) {
            Map<String, Value> md = new LinkedHashMap<>();
            metadata.forEach((k, v) -> md.put(k, new Json.Str(v)));
            root.put(METADATA_KEY, new Json.Obj(md));
        }
        long offset = 0;
        for (String name : names) {
            Tensor t = tensors.get(name);
            long end = offset + 4L * t.size();
            Map<String, Value> entry = new LinkedHashMap<>();
            entry.put("dtype", new Json.Str("F32"));
            entry.put("shape", Json.toJson(t.shape()));
            entry.put("data_offsets", new Json.Arr(List.of(new Json.Int(offset), new Json.Int(end))));
            root.put(name, new Json.Obj(entry));
            offset = end;
        }
        byte[] json = Json.writeCompact(new Json.Obj(root)).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFloats(OutputStream out, Tensor t, byte[] chunk) throws IOException {
        float[] data = t.isContiguous() ? t.data() : t.toArray();
        int start = t.isContiguous() ? t.offset() : 0;
        MemorySegment buf = MemorySegment.ofArray(chunk);
        int perChunk = chunk.length / 4;
        for (int done = 0; done < t.size(); done += perChunk) {
            int n = Math.min(perChunk, t.size() - done);
            // a raw copy with byte order conversion: NaN payloads and -0.0 keep their exact bits
            MemorySegment.copy(data, start + done, buf, F32_LE, 0, n);
            out.write(chunk, 0, 4 * n);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads every tensor of {@code file} as float32, in file order.
     *
     * @param file a safetensors file
     * @return the tensors by name
     * @throws IOException a {@link FormatException} for a damaged file, or the I/O error
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (Reader r = open(file)) {
            return r.readAll();
        }
    }

    /**
     * Opens and validates {@code file}; tensor data is read only on request. Close the reader to unmap.
     *
     * @param file a safetensors file
     * @return the open reader
     * @throws IOException a {@link FormatException} for a damaged file, or the I/O error
     */
    public static Reader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        Arena arena = Arena.ofShared();
        Reader.Closer release = () -> {
            try {
                arena.close();
            } finally {
                ch.close();
            }
        };
        try {
            long size = ch.size();
            // mapped rather than read, so only the tensors asked for are copied onto the heap
            MemorySegment whole = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new Reader(file.toString(), whole, release);
        } catch (Throwable t) {
            release.close();
            throw t;
        }
    }

    /**
     * Validates safetensors content held in memory, with the same checks as {@link #open(Path)}.
     *
     * @param bytes the content of a safetensors file (not copied: do not change it while the reader is used)
     * @param name  what to call it in messages (e.g. where the bytes came from)
     * @return the reader; closing it releases nothing but is allowed
     * @throws FormatException for damaged content
     */
    public static Reader open(byte[] bytes, String name) throws FormatException {
        return open(MemorySegment.ofArray(bytes), name);
    }

    /**
     * Validates safetensors content held in a part of a larger array, with the same checks as {@link #open(Path)}.
     *
     * @param content the content of a safetensors file (not copied)
     * @param name    what to call it in messages
     * @return the reader
     * @throws FormatException for damaged content
     */
    public static Reader open(MemorySegment content, String name) throws FormatException {
        try {
            return new Reader(name, content, () -> {});
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(name + ": " + e.getMessage(), e);
        }
    }

    /** An open, validated safetensors file. Not thread-safe to close while other threads read. */
    public static final class Reader implements AutoCloseable {
        private final String file;
        private final Closer closer;
        private final MemorySegment whole;
        private final MemorySegment data;
        private final Map<String, String> metadata;
        private final Map<String, TensorInfo> tensors;
        private boolean closed;

        /** What releases the content when the reader closes (an unmap and a file close, or nothing). */
        private interface Closer {
            void close() throws IOException;
        }

        private Reader(String name, MemorySegment whole, Closer closer) throws IOException {
            this.file = name;
            this.whole = whole;
            this.closer = closer;
            long fileSize = whole.byteSize();
            if (fileSize < 8) {
                throw new FormatException(file + ": is " + fileSize + " bytes, too short for a safetensors file (it starts with an 8-byte header length)");
            }
            ByteBuffer lenBuf = readFully(0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
                throw new FormatException(file + ": header length " + Long.toUnsignedString(headerLen) + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes; this is not a safetensors file or its first 8 bytes are corrupt");
            }
            if (8 + headerLen > fileSize) {
                throw new FormatException(file + ": header length " + headerLen + " runs past the end of the file (" + fileSize
                        + " bytes, so at most " + (fileSize - 8) + " header bytes); the file is truncated or not a safetensors file");
            }
            long dataStart = 8 + headerLen;
            long dataLength = fileSize - dataStart;
            String source = file + " header";
            Value header;
            try {
                header = Json.parse(Json.decodeUtf8(readFully(8, (int) headerLen), source), source);
            } catch (JsonException e) {
                throw new FormatException(e.getMessage(), e);
            }
            Map<String, String> md = new LinkedHashMap<>();
            List<TensorInfo> infos = new ArrayList<>();
            try {
                Cursor root = Json.at(header, source);
                for (Map.Entry<String, Cursor> e : root.entries().entrySet()) {
                    if (e.getKey().equals(METADATA_KEY)) {
                        if (!e.getValue().isNull()) {
                            for (Map.Entry<String, Cursor> m : e.getValue().entries().entrySet()) md.put(m.getKey(), m.getValue().asString());
                        }
                    } else {
                        infos.add(tensorInfo(e.getKey(), e.getValue()));
                    }
                }
            } catch (JsonException e) {
                throw new FormatException(e.getMessage(), e);
            }
            validateLayout(infos, dataLength, fileSize, headerLen);
            infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            for (TensorInfo info : infos) byName.put(info.name(), info);
            this.metadata = Collections.unmodifiableMap(md);
            this.tensors = Collections.unmodifiableMap(byName);
            this.data = dataLength == 0 ? MemorySegment.NULL : whole.asSlice(dataStart, dataLength);
        }

        private ByteBuffer readFully(long position, int length) {
            return ByteBuffer.wrap(whole.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE));
        }

        private TensorInfo tensorInfo(String name, Cursor entry) {
            DType dtype = entry.get("dtype").asEnum(DType.class);
            List<Cursor> dims = entry.get("shape").items();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).asLong();
                if (shape[i] < 0) throw dims.get(i).fail("must be a non-negative integer, got " + shape[i]);
            }
            Cursor offsets = entry.get("data_offsets");
            if (offsets.size() != 2) throw offsets.fail("must be [begin, end], got " + Json.describe(offsets.value()));
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (begin < 0 || end < begin) throw offsets.fail("must be [begin, end] with 0 <= begin <= end, got " + Json.describe(offsets.value()));
            long bytes;
            try {
                long numel = 1;
                for (long d : shape) numel = Math.multiplyExact(numel, d);
                long bits = Math.multiplyExact(numel, (long) dtype.bits());
                if (bits % 8 != 0) {
                    throw entry.fail("is " + dtype + " with " + numel + " elements = " + bits + " bits, which is not a whole number of bytes");
                }
                bytes = bits / 8;
            } catch (ArithmeticException overflow) {
                throw entry.fail("has shape " + Arrays.toString(shape) + ", whose size overflows 64 bits");
            }
            if (end - begin != bytes) {
                throw new JsonException(file + ": tensor " + JsonWriter.quote(name) + " is " + dtype + " " + Arrays.toString(shape) + " = "
                        + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes");
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        }

        private void validateLayout(List<TensorInfo> infos, long dataLength, long fileSize, long headerLen) throws FormatException {
            for (TensorInfo t : infos) {
                if (t.end() > dataLength) {
                    throw new FormatException(file + ": tensor " + JsonWriter.quote(t.name()) + " (" + t.dtype() + " " + Arrays.toString(t.shape)
                            + ") claims data bytes [" + t.begin() + ", " + t.end() + ") but the data section holds only " + dataLength
                            + " bytes (file " + fileSize + " = 8 + header " + headerLen + " + data " + dataLength
                            + "); the file is truncated or its header is wrong");
                }
            }
            List<TensorInfo> sorted = new ArrayList<>(infos);
            sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            long expected = 0;
            TensorInfo previous = null;
            for (TensorInfo t : sorted) {
                if (t.begin() < expected) {
                    throw new FormatException(file + ": tensors " + JsonWriter.quote(previous.name()) + " [" + previous.begin() + ", " + previous.end()
                            + ") and " + JsonWriter.quote(t.name()) + " [" + t.begin() + ", " + t.end() + ") overlap in the data section");
                }
                if (t.begin() > expected) {
                    throw new FormatException(file + ": data bytes [" + expected + ", " + t.begin() + ") before tensor " + JsonWriter.quote(t.name())
                            + " belong to no tensor; tensors must be laid end to end");
                }
                expected = t.end();
                previous = t;
            }
            if (expected != dataLength) {
                throw new FormatException(file + ": the tensors cover " + expected + " of the " + dataLength + " data bytes; the last "
                        + (dataLength - expected) + " bytes belong to no tensor");
            }
        }

        /** {@return the file, as it was named when opened} */
        public String file() {
            return file;
        }

        /** {@return the {@code __metadata__} map (empty when absent)} */
        public Map<String, String> metadata() {
            return metadata;
        }

        /** {@return the tensor entries by name, in the order of their data in the file} */
        public Map<String, TensorInfo> tensors() {
            return tensors;
        }

        /**
         * {@return the entry of tensor {@code name}; an unknown name is an {@link IllegalArgumentException} listing the names}
         *
         * @param name the tensor's name
         */
        public TensorInfo info(String name) {
            TensorInfo info = tensors.get(name);
            if (info == null) throw new IllegalArgumentException(file + ": no tensor named " + JsonWriter.quote(name) + "; it has " + Json.quoteAll(tensors.keySet()));
            return info;
        }

        /**
         * {@return tensor {@code name} converted to float32, as a new (non-pooled) tensor}
         *
         * @param name the tensor's name
         */
        public Tensor read(String name) {
            if (closed) throw new IllegalStateException(file + ": reader is closed");
            TensorInfo info = info(name);
            if (!info.dtype().isReadable()) {
                throw new UnsupportedOperationException(file + ": tensor " + JsonWriter.quote(name) + " has dtype " + info.dtype()
                        + ", which Latent4j cannot convert to float32 (it reads F32, F64, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)");
            }
            if (info.numel() > Integer.MAX_VALUE) {
                throw new ShapeException(file + ": tensor " + JsonWriter.quote(name) + " of shape " + Arrays.toString(info.shape)
                        + " has " + info.numel() + " elements; a Latent4j tensor holds at most 2^31-1");
            }
            int[] shape = new int[info.shape.length];
            for (int i = 0; i < shape.length; i++) shape[i] = (int) info.shape[i];
            float[] out = new float[(int) info.numel()];
            convert(info.dtype(), info.begin(), out);
            return Tensor.wrap(out, shape);
        }

        private void convert(DType dtype, long at, float[] out) {
            int n = out.length;
            switch (dtype) {
                case F32 -> MemorySegment.copy(data, F32_LE, at, out, 0, n);
                case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) data.get(F64_LE, at + 8L * i); }
                case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.get(I16_LE, at + 2L * i)); }
                // bfloat16 is the top half of a float32
                case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.get(I16_LE, at + 2L * i) & 0xFFFF) << 16); }
                case I64 -> { for (int i = 0; i < n; i++) out[i] = data.get(I64_LE, at + 8L * i); }
                case U64 -> { for (int i = 0; i < n; i++) out[i] = unsignedToFloat(data.get(I64_LE, at + 8L * i)); }
                case I32 -> { for (int i = 0; i < n; i++) out[i] = data.get(I32_LE, at + 4L * i); }
                case U32 -> { for (int i = 0; i < n; i++) out[i] = data.get(I32_LE, at + 4L * i) & 0xFFFFFFFFL; }
                case I16 -> { for (int i = 0; i < n; i++) out[i] = data.get(I16_LE, at + 2L * i); }
                case U16 -> { for (int i = 0; i < n; i++) out[i] = data.get(I16_LE, at + 2L * i) & 0xFFFF; }
                case I8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, at + i); }
                case U8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF; }
                case BOOL -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, at + i) != 0 ? 1f : 0f; }
                default -> throw new AssertionError(dtype);
            }
        }

        private static float unsignedToFloat(long v) {
            if (v >= 0) return v;
            // halve with the lost bit kept as a sticky bit, so the rounding to float is still correct
            return ((float) ((v >>> 1) | (v & 1))) * 2f;
        }

        /** {@return every tensor as float32, by name, in file order} */
        public Map<String, Tensor> readAll() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : tensors.keySet()) out.put(name, read(name));
            return out;
        }

        /**
         * Checks that the file holds exactly the tensors {@code expected} (name to shape), each of a
         * floating-point dtype that can be read; otherwise throws one {@link ShapeException} listing every
         * missing, unexpected, mis-shaped and mistyped tensor.
         *
         * @param expected the tensors the file must hold, name to shape
         */
        public void checkAgainst(Map<String, int[]> expected) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, int[]> e : expected.entrySet()) {
                TensorInfo info = tensors.get(e.getKey());
                String want = Arrays.toString(e.getValue());
                if (info == null) {
                    problems.add("missing: " + e.getKey() + " " + want);
                    continue;
                }
                long[] wantLong = Arrays.stream(e.getValue()).asLongStream().toArray();
                if (!Arrays.equals(info.shape, wantLong)) {
                    problems.add("shape: " + e.getKey() + " is " + Arrays.toString(info.shape) + " in the file, expected " + want);
                }
                if (!info.dtype().isFloatingPoint()) {
                    problems.add("dtype: " + e.getKey() + " is " + info.dtype() + ", not a floating-point type");
                } else if (!info.dtype().isReadable()) {
                    problems.add("dtype: " + e.getKey() + " is " + info.dtype() + ", which Latent4j cannot read");
                }
            }
            for (TensorInfo info : tensors.values()) {
                if (!expected.containsKey(info.name())) {
                    problems.add("unexpected: " + info.name() + " " + Arrays.toString(info.shape) + " " + info.dtype());
                }
            }
            if (!problems.isEmpty()) {
                throw new ShapeException(file + " does not match the expected tensors (" + problems.size()
                        + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
            }
        }

        /** Unmaps the data and closes the file; tensors already read stay valid. */
        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            closer.close();
        }
    }
}
