package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.core.io.JsonTest.assertMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

class SafetensorsTest {

    @TempDir
    Path dir;

    /** Bit patterns whose exact survival matters: NaN payloads (quiet, signalling, negative), signed zeros, denormals, infinities. */
    static final int[] SPECIAL_BITS = {
        0x7FC00000, 0x7FC00001, 0x7F800001, 0xFFFFFFFF, 0xFFC12345, 0x80000000, 0x00000000, 0x00000001, 0x807FFFFF,
        0x00800000, 0x7F7FFFFF, 0x7F800000, 0xFF800000, 0x3DCCCCCD, 0xBF800000, 0x7FBFFFFF
    };

    static Tensor fromBits(int[] bits, int... shape) {
        float[] v = new float[bits.length];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(bits[i]);
        return Tensor.wrap(v, shape);
    }

    static void assertSameBits(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), "element " + i);
        }
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] big = new float[70_000]; // several write chunks
        for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(rnd.nextInt());
        Tensor matrix = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("special", fromBits(SPECIAL_BITS, 4, 4));
        tensors.put("big", Tensor.wrap(big, 70, 1000));
        tensors.put("transposed", matrix.t()); // a non-contiguous view is written in its logical order
        tensors.put("scalar", Tensor.scalar(-0f));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("rank4", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zeta", "first in, first out");
        metadata.put("alpha", "é \"quoted\" \n😀");

        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, tensors, metadata);
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertEquals(List.of("zeta", "alpha"), List.copyOf(r.metadata().keySet()), "metadata keeps the caller's order");
            assertEquals(metadata, r.metadata());
            assertEquals(List.of("big", "empty", "rank4", "scalar", "special", "transposed"), List.copyOf(r.tensors().keySet()),
                    "tensors are stored sorted by name");
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) assertSameBits(e.getValue(), r.read(e.getKey()));
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, r.read("transposed").toArray());
            Safetensors.TensorInfo info = r.info("special");
            assertEquals(Safetensors.DType.F32, info.dtype());
            assertArrayEquals(new long[] {4, 4}, info.shape());
            assertEquals(64, info.end() - info.begin());
        }
        Map<String, Tensor> all = Safetensors.read(f);
        assertEquals(tensors.keySet(), all.keySet());
        assertSameBits(tensors.get("big"), all.get("big"));
    }

    @Test
    void headerIsPaddedWithSpacesAndDataStartsAligned() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, Map.of("w", Tensor.vector(1.5f, -2f)), null);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.stripTrailing(), "no __metadata__ when null");
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
        assertEquals(8 + n + 8, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n), 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.5f, data.getFloat());
        assertEquals(-2f, data.getFloat());
    }

    @Test
    void reservedOrNullNamesAreRefused() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(dir.resolve("x"), Map.of("__metadata__", Tensor.scalar(1)), null)), "invalid tensor name __metadata__");
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x"), withNull, null)), "tensor w is null");
        assertFalse(Files.exists(dir.resolve("x")));
    }

    // ------------------------------------------------------------------ validation of files written by others

    /** A file with {@code header} (unpadded) and {@code dataBytes} zero bytes of data. */
    private Path craft(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, h, new byte[dataBytes]);
    }

    private Path raw(long headerLength, byte[]... parts) throws IOException {
        Path f = dir.resolve("crafted.safetensors");
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLength);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(len);
            for (byte[] p : parts) ch.write(ByteBuffer.wrap(p));
        }
        return f;
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "message lacks '" + p + "': " + message);
    }

    private static String openError(Path f) {
        Safetensors.FormatException e = assertThrows(Safetensors.FormatException.class, () -> Safetensors.open(f).close());
        return e.getMessage();
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void tooShortAndLyingHeaderLengths() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[5]);
        assertEquals(f + ": is 5 bytes, too short for a safetensors file (it starts with an 8-byte header length)", openError(f));

        Path big = raw(1000, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(big + ": header length 1000 runs past the end of the file (10 bytes, so at most 2 header bytes); "
                + "the file is truncated or not a safetensors file", openError(big));

        assertContains(openError(raw(100_000_001, new byte[16])), "header length 100000001 exceeds the limit of 100000000 bytes");
        assertContains(openError(raw(-8, new byte[16])), "header length 18446744073709551608 exceeds the limit");
    }

    @Test
    void headerMustBeValidJsonOfTheRightShape() throws IOException {
        Path f = craft("{\"w\":{\"dtype\":\"F32\",}}", 0);
        assertEquals(f + " header: line 1, column 21: expected a key after ',' (JSON allows no trailing comma), found '}'", openError(f));

        assertEquals(f + " header: not valid UTF-8 at byte 2", openError(raw(4, new byte[] {'{', '"', (byte) 0xFF, '}'})));
        assertContains(openError(craft("[]", 0)), "header: the top-level value must be an object, got []");
        assertContains(openError(craft("{" + entry("w", "F31", "[1]", 0, 4) + "}", 4)), "header: w.dtype must be one of [\"BOOL\", \"F4\"", "got \"F31\"");
        assertContains(openError(craft("{" + entry("w", "F32", "[-1]", 0, 4) + "}", 4)), "header: w.shape[0] must be a non-negative integer, got -1");
        assertContains(openError(craft("{" + entry("w", "F32", "[1.0]", 0, 4) + "}", 4)), "header: w.shape[0] must be an integer, got 1.0");
        assertContains(openError(craft("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)), "header: missing key w.shape");
        assertContains(openError(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)), "header: w.data_offsets must be [begin, end], got [0]");
        assertContains(openError(craft("{" + entry("w", "F32", "[0]", 8, 4) + "}", 8)), "w.data_offsets must be [begin, end] with 0 <= begin <= end, got [8,4]");
        assertContains(openError(craft("{\"__metadata__\":{\"a\":1}}", 0)), "header: __metadata__.a must be a string, got 1");
        assertContains(openError(craft("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 0, 4) + "}", 4)), "duplicate key \"w\"");
        assertContains(openError(craft("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 4) + "}", 4)), "w has shape [4294967296, 4294967296], whose size overflows 64 bits");
    }

    @Test
    void wrongByteLengthForTheDtype() throws IOException {
        Path f = craft("{" + entry("enc.w", "F32", "[2,3]", 0, 20) + "}", 20);
        assertEquals(f + ": tensor \"enc.w\" is F32 [2, 3] = 24 bytes, but its data_offsets [0, 20] span 20 bytes", openError(f));
        assertContains(openError(craft("{" + entry("h", "F16", "[3]", 0, 4) + "}", 4)), "tensor \"h\" is F16 [3] = 6 bytes, but its data_offsets [0, 4] span 4 bytes");
        assertContains(openError(craft("{" + entry("q", "F4", "[3]", 0, 2) + "}", 2)), "q is F4 with 3 elements = 12 bits, which is not a whole number of bytes");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrNotCovering() throws IOException {
        Path lying = craft("{" + entry("enc.w", "F32", "[4]", 0, 16) + "}", 8);
        long size = Files.size(lying);
        assertEquals(lying + ": tensor \"enc.w\" (F32 [4]) claims data bytes [0, 16) but the data section holds only 8 bytes (file " + size
                + " = 8 + header " + (size - 16) + " + data 8); the file is truncated or its header is wrong", openError(lying));

        assertEquals(lying + ": tensors \"a\" [0, 8) and \"b\" [4, 12) overlap in the data section",
                openError(craft("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12)));
        assertEquals(lying + ": data bytes [4, 8) before tensor \"b\" belong to no tensor; tensors must be laid end to end",
                openError(craft("{" + entry("b", "F32", "[1]", 8, 12) + "," + entry("a", "F32", "[1]", 0, 4) + "}", 12)));
        assertEquals(lying + ": the tensors cover 4 of the 8 data bytes; the last 4 bytes belong to no tensor",
                openError(craft("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8)));
        assertEquals(lying + ": the tensors cover 0 of the 3 data bytes; the last 3 bytes belong to no tensor", openError(craft("{}", 3)));
    }

    @Test
    void aTruncatedFileNamesTheTensorAndTheNumbers() throws IOException {
        Path f = dir.resolve("trunc.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.zeros(10));
        tensors.put("b", Tensor.zeros(5, 5));
        Safetensors.write(f, tensors, null);
        long size = Files.size(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size - 4);
        }
        assertContains(openError(f), "tensor \"b\" (F32 [5, 5]) claims data bytes [40, 140) but the data section holds only 136 bytes",
                "the file is truncated or its header is wrong");
    }

    @Test
    void acceptedOddities() throws IOException {
        // as the reference does: whitespace before the header object, unknown fields in an entry, null metadata,
        // zero-size tensors sharing an offset, and an empty file with only "{}"
        Path f = craft(" {\"__metadata__\":null," + entry("e", "F32", "[0,7]", 0, 0) + ","
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":[1,2]}}", 4);
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertEquals(Map.of(), r.metadata());
            assertArrayEquals(new int[] {0, 7}, r.read("e").shape());
            assertEquals(0f, r.read("w").item());
        }
        assertEquals(Map.of(), Safetensors.read(craft("{}", 0)));
    }

    @Test
    void unreadableDtypeFailsOnlyWhenRead() throws IOException {
        Path f = craft("{" + entry("q", "F8_E4M3", "[2]", 0, 2) + "," + entry("w", "F32", "[1]", 2, 6) + "}", 6);
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertEquals(0f, r.read("w").item());
            assertMessage(assertThrows(UnsupportedOperationException.class, () -> r.read("q")),
                    "tensor \"q\" has dtype F8_E4M3, which Latent4j cannot convert to float32");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> r.read("nope")), "no tensor named \"nope\"; it has [\"q\", \"w\"]");
        }
    }

    @Test
    void aTensorTooLargeForLatent4jIsRefusedBeforeAllocating() throws IOException {
        // a valid 2 GiB file, sparse on disk, mapped without copying; only reading the huge tensor fails
        long n = 1L << 31;
        String header = "{" + entry("huge", "U8", "[" + n + "]", 0, n) + "," + entry("small", "U8", "[2]", n, n + 2) + "}";
        Path f = craft(header, 0);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {7, 9}), Files.size(f) + n);
        }
        try (Safetensors.Reader r = Safetensors.open(f)) {
            assertArrayEquals(new float[] {7, 9}, r.read("small").toArray());
            ShapeException e = assertThrows(ShapeException.class, () -> r.read("huge"));
            assertEquals(f + ": tensor \"huge\" of shape [2147483648] has 2147483648 elements; a Latent4j tensor holds at most 2^31-1", e.getMessage());
        }
    }

    @Test
    void readingAfterCloseIsAClearError() throws IOException {
        Path f = dir.resolve("c.safetensors");
        Safetensors.write(f, Map.of("w", Tensor.vector(1, 2)), Map.of());
        Safetensors.Reader r = Safetensors.open(f);
        Tensor before = r.read("w");
        r.close();
        assertMessage(assertThrows(IllegalStateException.class, () -> r.read("w")), "reader is closed");
        assertArrayEquals(new float[] {1, 2}, before.toArray(), "tensors read before closing stay valid");
    }

    // ------------------------------------------------------------------ checking against a model

    @Test
    void checkAgainstReportsEveryProblemInOneMessage() throws IOException {
        Path f = craft("{" + entry("enc.w", "F32", "[3,4]", 0, 48) + "," + entry("enc.b", "F32", "[4]", 48, 64) + ","
                + entry("dec.bias", "F32", "[2]", 64, 72) + "," + entry("step", "I64", "[]", 72, 80) + ","
                + entry("half", "BF16", "[2]", 80, 84) + "}", 84);
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("enc.w", new int[] {4, 3});
        expected.put("enc.b", new int[] {4});
        expected.put("dec.b", new int[] {2});
        expected.put("step", new int[] {});
        expected.put("half", new int[] {2});
        try (Safetensors.Reader r = Safetensors.open(f)) {
            ShapeException e = assertThrows(ShapeException.class, () -> r.checkAgainst(expected));
            assertEquals(f + " does not match the expected tensors (4 problems):\n"
                    + "  shape: enc.w is [3, 4] in the file, expected [4, 3]\n"
                    + "  missing: dec.b [2]\n"
                    + "  dtype: step is I64, not a floating-point type\n"
                    + "  unexpected: dec.bias [2] F32", e.getMessage());

            Map<String, int[]> exact = new LinkedHashMap<>();
            exact.put("enc.w", new int[] {3, 4});
            exact.put("enc.b", new int[] {4});
            exact.put("dec.bias", new int[] {2});
            exact.put("half", new int[] {2});
            ShapeException one = assertThrows(ShapeException.class, () -> r.checkAgainst(exact));
            assertEquals(f + " does not match the expected tensors (1 problem):\n  unexpected: step [] I64", one.getMessage());
        }
        Path ok = dir.resolve("ok.safetensors");
        Safetensors.write(ok, Map.of("a", Tensor.zeros(2, 2), "b", Tensor.scalar(1)), null);
        try (Safetensors.Reader r = Safetensors.open(ok)) {
            assertDoesNotThrow(() -> r.checkAgainst(Map.of("b", new int[] {}, "a", new int[] {2, 2})));
        }
    }
}
