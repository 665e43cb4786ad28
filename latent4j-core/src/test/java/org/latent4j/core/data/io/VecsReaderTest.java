package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.core.data.TestFiles.allocatedBytes;
import static org.latent4j.core.data.TestFiles.assertFails;
import static org.latent4j.core.data.TestFiles.gzip;
import static org.latent4j.core.data.TestFiles.write;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.Tensor;

class VecsReaderTest {
    @TempDir
    Path dir;

    /** fvecs bytes for the given rows, each prefixed by its own length. */
    static byte[] fvecs(float[]... rows) {
        int bytes = 0;
        for (float[] r : rows) bytes += 4 + 4 * r.length;
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            b.putInt(r.length);
            for (float v : r) b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void fvecsRoundTripPlainAndGzipped() throws Exception {
        float[][] rows = {{1.5f, -2f, 3e-8f}, {0f, Float.MAX_VALUE, -0.25f}, {7, 8, 9}};
        byte[] file = fvecs(rows);
        for (Path p : new Path[] {write(dir, "a.fvecs", file), write(dir, "a.fvecs.gz", gzip(file))}) {
            Tensor t = VecsReader.read(p);
            assertArrayEquals(new int[] {3, 3}, t.shape());
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(rows[i][j], t.get(i, j));
        }
    }

    @Test
    void ivecsAndBvecs() throws Exception {
        ByteBuffer i = ByteBuffer.allocate(2 * (4 + 8)).order(ByteOrder.LITTLE_ENDIAN);
        i.putInt(2).putInt(-5).putInt(16_777_216).putInt(2).putInt(0).putInt(42);
        assertArrayEquals(new float[] {-5, 16_777_216, 0, 42}, VecsReader.read(write(dir, "a.ivecs", i.array())).toArray());
        ByteBuffer b = ByteBuffer.allocate(2 * (4 + 3)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3).put((byte) 0).put((byte) 128).put((byte) 255).putInt(3).put((byte) 1).put((byte) 2).put((byte) 3);
        assertArrayEquals(new float[] {0, 128, 255, 1, 2, 3}, VecsReader.read(write(dir, "a.bvecs", b.array())).toArray());
        ByteBuffer lossy = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(1).putInt(16_777_217);
        Path p = write(dir, "lossy.ivecs", lossy.array());
        assertFails(p.toString(), () -> VecsReader.read(p), "record 1, component 2: the int32 value 16777217 cannot be held exactly in float32");
    }

    @Test
    void truncatedLastRecordIsNamed() {
        byte[] file = fvecs(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}, new float[] {9, 10, 11, 12});
        byte[] cut = Arrays.copyOf(file, file.length - 6);
        Path p = write(dir, "cut.fvecs", cut);
        String m = assertFails(p.toString(), () -> VecsReader.read(p));
        assertEquals(p + ": record 3 is truncated: it holds 14 of its 20 bytes (dimension 4, from record 1)", m);
        Path gz = write(dir, "cut.fvecs.gz", gzip(cut));
        assertFails(gz.toString(), () -> VecsReader.read(gz), "record 3 is truncated: it holds 14 of its 20 bytes");
        Path prefix = write(dir, "prefix.fvecs", Arrays.copyOf(file, 2 * 20 + 2));
        assertFails(prefix.toString(), () -> VecsReader.read(prefix), "record 3 is truncated: it holds 2 of its 20 bytes");
    }

    @Test
    void everyRecordMustHaveTheFirstDimension() {
        Path p = write(dir, "mixed.fvecs", fvecs(new float[] {1, 2, 3}, new float[] {4, 5, 6}, new float[] {7, 8}));
        assertFails(p.toString(), () -> VecsReader.read(p), "record 3 has dimension 2 but record 1 has dimension 3");
        Path zero = write(dir, "zero.fvecs", fvecs(new float[0]));
        assertFails(zero.toString(), () -> VecsReader.read(zero), "record 1 declares dimension 0");
        Path empty = write(dir, "empty.fvecs", new byte[0]);
        assertFails(empty.toString(), () -> VecsReader.read(empty), "is empty");
        Path other = dir.resolve("vectors.bin");
        assertFails(other.toString(), () -> VecsReader.read(other), "none of the extensions");
    }

    /** A first record claiming 2^30 components in a tiny file: an error about that record, no 4 GB buffer. */
    @Test
    void hugeDimensionInTinyFileFailsWithoutAllocating() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 30).putFloat(1).putFloat(2);
        Path p = write(dir, "lie.fvecs", b.array());
        assertFails(p.toString(), () -> VecsReader.read(p), "record 1 is truncated: it holds 12 of its 4,294,967,300 bytes");
        assertTrue(allocatedBytes(() -> VecsReader.read(p)) < 1 << 20);
        Path gz = write(dir, "lie.fvecs.gz", gzip(b.array()));
        assertFails(gz.toString(), () -> VecsReader.read(gz), "record 1 is truncated: it holds 12 of its 4,294,967,300 bytes");
        assertTrue(allocatedBytes(() -> VecsReader.read(gz)) < 2 << 20);
    }

    @Test
    void longRecordsAcrossReadChunks() throws Exception {
        // Records longer than one 64 KB read chunk, in a stream that must grow its buffer.
        float[] a = new float[40_000];
        float[] c = new float[40_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.5f;
            c[i] = -i;
        }
        Tensor t = VecsReader.read(write(dir, "long.fvecs.gz", gzip(fvecs(a, c))));
        assertArrayEquals(new int[] {2, 40_000}, t.shape());
        assertEquals(a[39_999], t.get(0, 39_999));
        assertEquals(c[12_345], t.get(1, 12_345));
    }
}
