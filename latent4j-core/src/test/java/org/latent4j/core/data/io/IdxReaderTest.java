package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.core.data.TestFiles.allocatedBytes;
import static org.latent4j.core.data.TestFiles.assertFails;
import static org.latent4j.core.data.TestFiles.gzip;
import static org.latent4j.core.data.TestFiles.write;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.DataFileException;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic 00 00 type rank, big-endian dims, then the payload as given. */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(payload).array();
    }

    static byte[] ramp(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * 37 + 5);
        return p;
    }

    @Test
    void ubyteImagesRoundTripPlainAndGzipped() throws Exception {
        byte[] pixels = ramp(3 * 4 * 5);
        byte[] file = idx(0x08, new int[] {3, 4, 5}, pixels);
        for (Path p : new Path[] {write(dir, "images.idx", file), write(dir, "images.idx.gz", gzip(file))}) {
            IdxReader.IdxArray a = IdxReader.read(p);
            assertEquals(IdxReader.Type.UBYTE, a.type());
            assertArrayEquals(new int[] {3, 4, 5}, a.shape());
            assertArrayEquals(new int[] {3, 4, 5}, a.values().shape());
            float[] v = a.values().toArray();
            for (int i = 0; i < pixels.length; i++) assertEquals(pixels[i] & 0xff, v[i], "element " + i + " of " + p);
        }
    }

    @Test
    void labelsReadAsExactInts() throws Exception {
        byte[] labels = {9, 0, 3, (byte) 255};
        Path p = write(dir, "labels.idx", idx(0x08, new int[] {4}, labels));
        assertArrayEquals(new int[] {9, 0, 3, 255}, IdxReader.readLabels(p));
        int[] big = {-7, 70000, Integer.MAX_VALUE};
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        for (int v : big) b.putInt(v);
        assertArrayEquals(big, IdxReader.readLabels(write(dir, "int-labels.idx", idx(0x0C, new int[] {3}, b.array()))));
    }

    @Test
    void everyElementTypeDecodesBigEndian() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        assertArrayEquals(new float[] {-128, -1, 0, 127},
                IdxReader.read(write(dir, "b.idx", idx(0x09, new int[] {4}, new byte[] {-128, -1, 0, 127}))).values().toArray());
        b.clear();
        b.putShort((short) -30000).putShort((short) 12345);
        assertArrayEquals(new float[] {-30000, 12345},
                IdxReader.read(write(dir, "s.idx", idx(0x0B, new int[] {2}, Arrays.copyOf(b.array(), 4)))).values().toArray());
        b.clear();
        b.putInt(-16777216).putInt(16777216).putInt(3);
        assertArrayEquals(new float[] {-16777216, 16777216, 3},
                IdxReader.read(write(dir, "i.idx", idx(0x0C, new int[] {1, 3}, Arrays.copyOf(b.array(), 12)))).values().toArray());
        b.clear();
        b.putFloat(1.5f).putFloat(-0f).putFloat(Float.MIN_VALUE).putFloat(Float.MAX_VALUE);
        assertArrayEquals(new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE},
                IdxReader.read(write(dir, "f.idx", idx(0x0D, new int[] {2, 2}, Arrays.copyOf(b.array(), 16)))).values().toArray());
        b.clear();
        b.putDouble(0.1).putDouble(-2.5e-3);
        IdxReader.IdxArray d = IdxReader.read(write(dir, "d.idx", idx(0x0E, new int[] {2}, Arrays.copyOf(b.array(), 16))));
        assertEquals(IdxReader.Type.DOUBLE, d.type());
        assertArrayEquals(new float[] {(float) 0.1, (float) -2.5e-3}, d.values().toArray());
    }

    @Test
    void readsFromAStreamOfUnknownLength() throws Exception {
        byte[] file = idx(0x08, new int[] {2, 2, 2}, ramp(8));
        IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(file), "stream");
        assertArrayEquals(new int[] {2, 2, 2}, a.shape());
        assertEquals(ramp(8)[7] & 0xff, a.values().get(1, 1, 1));
    }

    @Test
    void truncatedFileNamesClaimAndRealSize() {
        byte[] file = idx(0x08, new int[] {3, 2, 2}, ramp(10));
        Path p = write(dir, "short.idx", file);
        String m = assertFails(p.toString(), () -> IdxReader.read(p));
        assertEquals(p + ": header says 3 images of 2x2 (12 bytes after the 16-byte header) but the file holds 10", m);
        Path gz = write(dir, "short.idx.gz", gzip(file));
        assertFails(gz.toString(), () -> IdxReader.read(gz), "header says 3 images of 2x2 (12 bytes", "the decompressed file holds 10");
    }

    /** The shape of the real Fashion-MNIST test file, ten bytes short: the message of the brief. */
    @Test
    void fashionSizedFileTenBytesShort() {
        Path p = write(dir, "t10k-images-idx3-ubyte.gz", gzip(idx(0x08, new int[] {10000, 28, 28}, new byte[7_839_990])));
        assertFails(p.toString(), () -> IdxReader.read(p),
                "header says 10,000 images of 28x28 (7,840,000 bytes after the 16-byte header) but the decompressed file holds 7,839,990");
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] file = idx(0x08, new int[] {2}, new byte[] {1, 2, 3});
        Path p = write(dir, "long.idx", file);
        assertFails(p.toString(), () -> IdxReader.readLabels(p), "header says 2 ubyte labels (2 bytes", "the file holds 3");
        Path gz = write(dir, "long.idx.gz", gzip(file));
        assertFails(gz.toString(), () -> IdxReader.readLabels(gz), "the decompressed file holds 3");
    }

    /** A header claiming 2^31 items in a tiny file fails at once, before any buffer for them exists. */
    @Test
    void hugeClaimInTinyFileFailsWithoutAllocating() {
        Path p = write(dir, "lie.idx", idx(0x08, new int[] {1 << 16, 1 << 15}, new byte[10]));
        assertFails(p.toString(), () -> IdxReader.read(p), "header says 2,147,483,648 ubyte values of shape 65536x32768", "more values than a tensor can hold",
                "the file holds only 10 bytes");
        assertTrue(allocatedBytes(() -> IdxReader.read(p)) < 1 << 20, "a failed read of a lying header allocated a megabyte or more");

        Path gz = write(dir, "lie.idx.gz", gzip(idx(0x08, new int[] {1 << 16, 1 << 15}, new byte[10])));
        assertFails(gz.toString(), () -> IdxReader.read(gz), "more values than a tensor can hold");
        assertTrue(allocatedBytes(() -> IdxReader.read(gz)) < 1 << 20);
    }

    /**
     * A gzip stream claims 1,000,000,000 bytes (possible for a tensor) but holds 10: the buffer grows only
     * with what is decompressed, so the failure costs well under a megabyte rather than 4 GB of floats.
     */
    @Test
    void lyingGzipHeaderIsBoundedByTheRealData() {
        Path gz = write(dir, "lie2.idx.gz", gzip(idx(0x08, new int[] {1000, 1000, 1000}, new byte[10])));
        assertFails(gz.toString(), () -> IdxReader.read(gz), "header says 1,000 images of 1000x1000 (1,000,000,000 bytes",
                "the decompressed file holds 10");
        long allocated = allocatedBytes(() -> IdxReader.read(gz));
        assertTrue(allocated < 2 << 20, "allocated " + allocated + " bytes");
        Path plain = write(dir, "lie2.idx", idx(0x08, new int[] {1000, 1000, 1000}, new byte[10]));
        assertTrue(allocatedBytes(() -> IdxReader.read(plain)) < 1 << 20);
    }

    @Test
    void badMagicAndTypeAndRank() {
        Path npy = write(dir, "not-idx.bin", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        assertFails(npy.toString(), () -> IdxReader.read(npy), "is not an IDX file", "0x934E554D");
        Path type = write(dir, "type.idx", idx(0x0A, new int[] {1}, new byte[1]));
        assertFails(type.toString(), () -> IdxReader.read(type), "unknown IDX element type 0x0A", "0x08 ubyte");
        Path rank0 = write(dir, "rank0.idx", new byte[] {0, 0, 8, 0, 1});
        assertFails(rank0.toString(), () -> IdxReader.read(rank0), "declares 0 dimensions");
    }

    @Test
    void shortHeadersSayWhereTheyEnd() {
        Path empty = write(dir, "empty.idx", new byte[0]);
        assertFails(empty.toString(), () -> IdxReader.read(empty), "inside the 4-byte magic number", "the file is empty");
        Path cut = write(dir, "cut.idx", new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0});
        assertFails(cut.toString(), () -> IdxReader.read(cut), "ends after 10 bytes, inside the sizes of its 3 dimensions");
    }

    @Test
    void damagedGzipStreamIsOneClearError() {
        byte[] gz = gzip(idx(0x08, new int[] {100, 10, 10}, ramp(10000)));
        Path cut = write(dir, "cut.idx.gz", Arrays.copyOf(gz, gz.length / 2));
        assertFails(cut.toString(), () -> IdxReader.read(cut), "gzip stream is truncated or damaged");
        // The CRC-32 in the trailer no longer matches: every byte decompresses, and the check still fails.
        byte[] corrupt = gz.clone();
        corrupt[gz.length - 8] ^= 1;
        Path bad = write(dir, "bad.idx.gz", corrupt);
        assertFails(bad.toString(), () -> IdxReader.read(bad), "gzip stream is truncated or damaged");
        Path header = write(dir, "header.gz", new byte[] {0x1f, (byte) 0x8b, 0});
        assertFails(header.toString(), () -> IdxReader.read(header), "gzip header is damaged");
    }

    @Test
    void labelReaderRejectsImagesAndFloats() {
        Path images = write(dir, "images.idx", idx(0x08, new int[] {1, 2, 2}, new byte[4]));
        assertFails(images.toString(), () -> IdxReader.readLabels(images), "3-dimensional ubyte data of shape 1x2x2", "not a 1-dimensional list of labels");
        Path floats = write(dir, "floats.idx", idx(0x0D, new int[] {1}, new byte[4]));
        assertFails(floats.toString(), () -> IdxReader.readLabels(floats), "holds float values, not integer labels");
    }

    @Test
    void lossyConversionsAreErrorsNotRounding() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(5).putInt(16_777_217);
        Path ints = write(dir, "ints.idx", idx(0x0C, new int[] {2}, b.array()));
        assertFails(ints.toString(), () -> IdxReader.read(ints), "16777217 cannot be held exactly in float32", "element 1");
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(1e300);
        Path doubles = write(dir, "doubles.idx", idx(0x0E, new int[] {1}, d.array()));
        assertFails(doubles.toString(), () -> IdxReader.read(doubles), "1.0E300 is outside the float32 range");
    }

    @Test
    void missingFileAndDirectory() {
        Path none = dir.resolve("none.idx");
        assertFails(none.toString(), () -> IdxReader.read(none), "no such file");
        assertFails(dir.toString(), () -> IdxReader.read(dir), "is a directory");
        DataFileException e = org.junit.jupiter.api.Assertions.assertThrows(DataFileException.class,
                () -> IdxReader.read(IdxReaderTest.class.getResourceAsStream("no-such-resource"), "res"));
        assertEquals("res: no such file or resource", e.getMessage());
    }
}
