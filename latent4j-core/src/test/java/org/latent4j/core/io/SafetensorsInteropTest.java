package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.core.io.SafetensorsTest.SPECIAL_BITS;
import static org.latent4j.core.io.SafetensorsTest.assertSameBits;
import static org.latent4j.core.io.SafetensorsTest.fromBits;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.Tensor;

/**
 * Files written by Hugging Face's reference implementation (safetensors 0.8.0 with numpy and torch; see
 * {@code make_safetensors_fixtures.py} next to the fixtures) are read exactly, and a file written by Latent4j is
 * byte-identical to the reference's for the same tensors.
 */
class SafetensorsInteropTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SafetensorsInteropTest.class.getResource(name).toURI());
    }

    private static void assertBits(int[] bits, Tensor t) {
        float[] v = t.toArray();
        assertEquals(bits.length, v.length);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(Integer.toHexString(bits[i]), Integer.toHexString(Float.floatToRawIntBits(v[i])), "element " + i);
        }
    }

    @Test
    void readsFloat32FromNumpyBitExactly() throws Exception {
        try (Safetensors.Reader r = Safetensors.open(fixture("numpy_f32.safetensors"))) {
            assertEquals(Map.of("format", "np"), r.metadata());
            assertEquals(List.of("empty", "layer.bias", "layer.weight", "scalar"), List.copyOf(r.tensors().keySet()));
            Tensor w = r.read("layer.weight");
            assertArrayEquals(new int[] {2, 4}, w.shape());
            assertBits(new int[] {0x3DCCCCCD, 0xC0200000, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF800000, 0x80000000, 0x7FC00001}, w);
            assertBits(new int[] {0x7F800001, 0xFFFFFFFF, 0x3F800000}, r.read("layer.bias"));
            Tensor s = r.read("scalar");
            assertArrayEquals(new int[0], s.shape());
            assertEquals(3.25f, s.item());
            assertArrayEquals(new int[] {0, 5}, r.read("empty").shape());
        }
    }

    @Test
    void convertsEveryOtherDtypeFromNumpy() throws Exception {
        Map<String, Tensor> t = Safetensors.read(fixture("numpy_mixed.safetensors"));
        assertArrayEquals(new float[] {(float) 0.1, Float.NEGATIVE_INFINITY, 0f, (float) (1.0 / 3.0)}, t.get("f64").toArray());
        float[] f16 = t.get("f16").toArray();
        assertArrayEquals(new float[] {1f, -0.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY}, java.util.Arrays.copyOf(f16, 6));
        assertEquals(0x80000000, Float.floatToRawIntBits(f16[4]), "-0.0 in half precision stays negative");
        assertTrue(Float.isNaN(f16[6]));
        assertArrayEquals(new int[] {2, 2}, t.get("i64").shape());
        assertArrayEquals(new float[] {-0x1p40f, 0f, 0x1p53f, 7f}, t.get("i64").toArray(), "2^53+1 rounds to 2^53");
        assertArrayEquals(new float[] {-7f, 0x1p31f}, t.get("i32").toArray());
        assertArrayEquals(new float[] {-32768f, 12345f}, t.get("i16").toArray());
        assertArrayEquals(new float[] {-128f, 127f}, t.get("i8").toArray());
        assertArrayEquals(new float[] {0f, 255f}, t.get("u8").toArray());
        assertArrayEquals(new float[] {65535f}, t.get("u16").toArray());
        assertArrayEquals(new float[] {0x1p32f}, t.get("u32").toArray());
        // unsigned 64-bit values above 2^63, rounded to nearest (a tie in the second case goes to even)
        assertArrayEquals(new float[] {new BigInteger("18446744073709551615").floatValue(), new BigInteger("9223372586610589696").floatValue()},
                t.get("u64").toArray());
        assertArrayEquals(new float[] {1f, 0f, 1f}, t.get("bool").toArray());
    }

    @Test
    void readsWhatPyTorchSaves() throws Exception {
        try (Safetensors.Reader r = Safetensors.open(fixture("torch_mixed.safetensors"))) {
            assertEquals(Map.of("format", "pt"), r.metadata());
            // values as torch prints them after .to(torch.bfloat16).float()
            assertArrayEquals(new float[] {1f, -2f, 0.10009765625f, (float) 3.00405527047391e+38, (float) -9.183549615799121e-41},
                    r.read("bf16").toArray());
            Tensor w = r.read("w");
            assertArrayEquals(new int[] {2, 3}, w.shape());
            assertEquals(1.25f, w.get(1, 2));
            assertEquals(0.25f, w.get(0, 1));
            Tensor conv = r.read("conv.weight");
            assertArrayEquals(new int[] {2, 1, 2, 2}, conv.shape());
            assertArrayEquals(new float[] {-3.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f}, conv.toArray());
            assertEquals(1.5f, conv.get(1, 0, 0, 1), "C order: the last index varies fastest");
            r.checkAgainst(Map.of("bf16", new int[] {5}, "w", new int[] {2, 3}, "conv.weight", new int[] {2, 1, 2, 2}));
        }
    }

    @Test
    void writesTheSameBytesAsTheReference(@TempDir Path dir) throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        // deliberately not in the stored order
        tensors.put("😀", Tensor.of(new float[] {3f}, 1, 1));
        tensors.put("b.weight", Tensor.of(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, 2, 3));
        tensors.put("a", Tensor.vector(1.5f, -0f));
        tensors.put("é", Tensor.zeros(0, 2));
        tensors.put("！", Tensor.vector(2f));
        tensors.put("z", Tensor.scalar(7f));
        Path ours = dir.resolve("latent4j.safetensors");
        Safetensors.write(ours, tensors, Map.of("source", "reference \"quoted\"\n"));
        assertArrayEquals(Files.readAllBytes(fixture("reference_written.safetensors")), Files.readAllBytes(ours));
    }

    /**
     * Writes special float32 values for the reference implementation to read. The one-off check, run once with
     * safetensors 0.8.0 and passed (all elements bit-identical, shapes and metadata equal; torch's
     * {@code safetensors.torch.load_file} read the same file as float32 tensors of shapes (0, 3), (), (4, 4), (3, 2)):
     * <pre>
     *   ./mvnw -o test -pl latent4j-core -Dtest=SafetensorsInteropTest -Dlatent4j.interop.out=/tmp/l4j
     *   /tmp/stvenv/bin/python -c "
     *   from safetensors import safe_open; import numpy as np
     *   with safe_open('/tmp/l4j/from_latent4j.safetensors', 'np') as f:
     *       assert f.metadata() == {'writer': 'latent4j', 'note': 'é'}, f.metadata()
     *       s = f.get_tensor('special').view(np.uint32)
     *       assert s.shape == (4, 4) and [hex(x) for x in s.ravel()] == [hex(x & 0xFFFFFFFF) for x in SPECIAL_BITS]
     *       assert f.get_tensor('t').tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
     *       assert f.get_tensor('scalar').shape == () and f.get_tensor('empty').shape == (0, 3)"
     * </pre>
     * (with SPECIAL_BITS pasted from {@link SafetensorsTest}).
     */
    @Test
    void writesAFileForTheReferenceToRead(@TempDir Path tmp) throws IOException {
        String out = System.getProperty("latent4j.interop.out");
        Path dir = out == null ? tmp : Files.createDirectories(Path.of(out));
        Path f = dir.resolve("from_latent4j.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("special", fromBits(SPECIAL_BITS, 4, 4));
        tensors.put("t", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t());
        tensors.put("scalar", Tensor.scalar(0.5f));
        tensors.put("empty", Tensor.zeros(0, 3));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("writer", "latent4j");
        metadata.put("note", "é");
        Safetensors.write(f, tensors, metadata);
        Map<String, Tensor> back = Safetensors.read(f);
        for (String name : tensors.keySet()) assertSameBits(tensors.get(name), back.get(name));
    }
}
