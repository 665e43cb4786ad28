package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.core.data.TestFiles.allocatedBytes;
import static org.latent4j.core.data.TestFiles.assertFails;
import static org.latent4j.core.data.TestFiles.gzip;
import static org.latent4j.core.data.TestFiles.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.Tensor;

/** Most inputs are files written by numpy 2.4 (see make_npy.py beside them), so the format is numpy's, not ours. */
class NpyReaderTest {
    @TempDir
    Path dir;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = NpyReaderTest.class.getResourceAsStream("npy/" + name)) {
            if (in == null) throw new IOException("missing test resource npy/" + name);
            return in.readAllBytes();
        }
    }

    private Path numpyFile(String name) throws IOException {
        return write(dir, name, resource(name));
    }

    /** What make_npy.py stores: np.arange(6, dtype=float32) / float32(7), an exact float32 division. */
    static float[] sevenths() {
        float[] v = new float[6];
        for (int i = 0; i < 6; i++) v[i] = (float) i / 7f;
        return v;
    }

    @Test
    void float32Version1() throws Exception {
        Tensor t = NpyReader.read(numpyFile("f4_2x3.npy"));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(sevenths(), t.toArray());
    }

    @Test
    void float64RankThreeIsRoundedToFloat32() throws Exception {
        Tensor t = NpyReader.read(numpyFile("f8_2x2x3.npy"));
        assertArrayEquals(new int[] {2, 2, 3}, t.shape());
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) expected[i] = (float) (i / 3.0 - 1.5);
        assertArrayEquals(expected, t.toArray());
    }

    @Test
    void uint8() throws Exception {
        Tensor t = NpyReader.read(numpyFile("u1_5.npy"));
        assertArrayEquals(new int[] {5}, t.shape());
        assertArrayEquals(new float[] {0, 1, 127, 128, 255}, t.toArray());
    }

    @Test
    void float16IsWidenedExactlyInEitherByteOrder() throws Exception {
        float[] expected = {0.5f, -1.25f, 65504f, 0x1p-24f, -0f, 0.333251953125f};
        for (String name : new String[] {"f2_2x3.npy", "f2be_2x3.npy"}) {
            Tensor t = NpyReader.read(numpyFile(name));
            assertArrayEquals(new int[] {2, 3}, t.shape(), name);
            assertArrayEquals(expected, t.toArray(), name);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.toArray()[4]), name + ": the sign of zero");
        }
    }

    @Test
    void versions2And3AndBigEndian() throws Exception {
        Tensor v2 = NpyReader.read(numpyFile("f4_v2_3x2.npy"));
        assertArrayEquals(new int[] {3, 2}, v2.shape());
        assertArrayEquals(sevenths(), v2.toArray());
        Tensor v3 = NpyReader.read(numpyFile("f4_v3_2x3.npy"));
        assertArrayEquals(new int[] {2, 3}, v3.shape());
        assertArrayEquals(sevenths(), v3.toArray());
        assertArrayEquals(sevenths(), NpyReader.read(numpyFile("f4be_2x3.npy")).toArray());
    }

    @Test
    void scalarAndEmptyShapes() throws Exception {
        Tensor s = NpyReader.read(numpyFile("f4_scalar.npy"));
        assertEquals(0, s.rank());
        assertEquals(2.5f, s.item());
        Tensor e = NpyReader.read(numpyFile("f4_empty_0x3.npy"));
        assertArrayEquals(new int[] {0, 3}, e.shape());
    }

    @Test
    void gzippedAndStreamed() throws Exception {
        Path gz = write(dir, "f4.npy.gz", gzip(resource("f4_2x3.npy")));
        assertArrayEquals(sevenths(), NpyReader.read(gz).toArray());
        try (InputStream in = NpyReaderTest.class.getResourceAsStream("npy/f8_2x2x3.npy")) {
            assertArrayEquals(new int[] {2, 2, 3}, NpyReader.read(in, "npy/f8_2x2x3.npy").shape());
        }
    }

    @Test
    void fortranOrderIsAClearError() throws Exception {
        Path p = numpyFile("f4_fortran_2x3.npy");
        assertFails(p.toString(), () -> NpyReader.read(p), "shape (2, 3) is stored in Fortran (column-major) order", "np.ascontiguousarray");
    }

    @Test
    void int32ArraysWrittenByWriteIntsReadBackAndTooLargeValuesAreRefused() throws Exception {
        Path p = dir.resolve("codes.npy");
        NpyWriter.writeInts(p, new int[] {0, 7, 511, 3, 16_777_216, 2}, 2, 3, 1);
        Tensor t = NpyReader.read(p);
        assertArrayEquals(new int[] {2, 3, 1}, t.shape());
        assertArrayEquals(new float[] {0, 7, 511, 3, 16_777_216, 2}, t.toArray());
        Path big = dir.resolve("big.npy");
        NpyWriter.writeInts(big, new int[] {16_777_217}, 1);
        assertFails(big.toString(), () -> NpyReader.read(big), "16777217 cannot be held exactly in float32");
    }

    @Test
    void unsupportedDtypesAreNamedWithTheSupportedOnes() throws Exception {
        Path i8 = numpyFile("i8_4.npy");
        assertFails(i8.toString(), () -> NpyReader.read(i8), "dtype '<i8' is not supported", "<f2, >f2, <f4, >f4, <f8, >f8, <i4, >i4 and |u1", "astype(np.float32)");
        Path structured = numpyFile("structured_2.npy");
        assertFails(structured.toString(), () -> NpyReader.read(structured), "structured dtype", "not supported");
    }

    @Test
    void truncatedAndTrailingData() throws Exception {
        byte[] f = resource("f4_2x3.npy");
        Path cut = write(dir, "cut.npy", Arrays.copyOf(f, f.length - 3));
        assertEquals(cut + ": header says shape (2, 3) of '<f4' (24 bytes after the 128-byte header) but the file holds 21",
                assertFails(cut.toString(), () -> NpyReader.read(cut)));
        Path longer = write(dir, "long.npy.gz", gzip(Arrays.copyOf(f, f.length + 4)));
        assertFails(longer.toString(), () -> NpyReader.read(longer), "(24 bytes after the 128-byte header) but the decompressed file holds 28");
        Path inHeader = write(dir, "inheader.npy", Arrays.copyOf(f, 40));
        assertFails(inHeader.toString(), () -> NpyReader.read(inHeader), "header length 118 bytes is more than the rest of the file (30 bytes)");
    }

    /** Header written by hand: version 1.0, the given dict, padded like numpy, then the payload. */
    static byte[] npy(String dict, byte[] payload) {
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + hb.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) hb.length).put(hb).put(payload);
        return b.array();
    }

    @Test
    void lyingShapeInTinyFileFailsWithoutAllocating() {
        Path p = write(dir, "lie.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 2), }", new byte[8]));
        assertFails(p.toString(), () -> NpyReader.read(p), "shape (1073741824, 2)", "more values than a tensor can hold", "only 8 bytes");
        assertTrue(allocatedBytes(() -> NpyReader.read(p)) < 1 << 20);
        Path gz = write(dir, "lie.npy.gz", gzip(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (500000000,), }", new byte[8])));
        assertFails(gz.toString(), () -> NpyReader.read(gz), "header says shape (500000000,) of '<f4' (2,000,000,000 bytes after the 128-byte header) but the decompressed file holds 8");
        assertTrue(allocatedBytes(() -> NpyReader.read(gz)) < 2 << 20);
    }

    @Test
    void badMagicVersionAndHeaders() {
        Path idx = write(dir, "idx.npy", new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5});
        assertFails(idx.toString(), () -> NpyReader.read(idx), "is not an NPY file");
        Path v4 = write(dir, "v4.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 4, 0, 0, 0, 0, 0});
        assertFails(v4.toString(), () -> NpyReader.read(v4), "NPY format version 4.0 is not supported");
        Path noShape = write(dir, "noshape.npy", npy("{'descr': '<f4', 'fortran_order': False, }", new byte[0]));
        assertFails(noShape.toString(), () -> NpyReader.read(noShape), "has no key 'shape'");
        Path garbage = write(dir, "garbage.npy", npy("{'descr': '<f4', 'shape': (2, 3}", new byte[0]));
        assertFails(garbage.toString(), () -> NpyReader.read(garbage), "header is not a valid Python dict literal", "expected ',' or ')'");
        Path negative = write(dir, "negative.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", new byte[0]));
        assertFails(negative.toString(), () -> NpyReader.read(negative), "shape (-2, 3) has a dimension that is not a non-negative integer");
        Path overflow = write(dir, "overflow.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", new byte[0]));
        assertFails(overflow.toString(), () -> NpyReader.read(overflow), "is not an integer in the long range");
    }

    @Test
    void float64BeyondFloat32RangeIsAnError() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(-1e40);
        Path p = write(dir, "big.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", b.array()));
        assertFails(p.toString(), () -> NpyReader.read(p), "the float64 value -1.0E40 is outside the float32 range (element 1");
    }

    /** NpyWriter's bytes equal numpy's own np.save output for the same float32 array, header padding included. */
    @Test
    void writerMatchesNumpyByteForByte() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyWriter.write(out, Tensor.of(sevenths(), 2, 3));
        assertArrayEquals(resource("f4_2x3.npy"), out.toByteArray());
        out.reset();
        NpyWriter.write(out, Tensor.scalar(2.5f));
        assertArrayEquals(resource("f4_scalar.npy"), out.toByteArray());
        out.reset();
        NpyWriter.write(out, Tensor.zeros(0, 3));
        assertArrayEquals(resource("f4_empty_0x3.npy"), out.toByteArray());
    }
}
