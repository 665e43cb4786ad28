package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.Tensor;

/** What VecsWriter writes, VecsReader reads back; and the bytes are the documented layout. */
class VecsWriterTest {
    @TempDir
    Path dir;

    @Test
    void fvecsAndIvecsRoundTrip() throws Exception {
        float[] f = {1.5f, -2f, 0f, 3.25f, 7f, -0.5f};
        Path fv = dir.resolve("a.fvecs");
        VecsWriter.writeFloats(fv, f, 2, 3);
        assertEquals(2 * (4 + 12), Files.size(fv));
        Tensor t = VecsReader.read(fv);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(f, t.toArray());

        int[] ids = {5, 0, 9, 1 << 20};
        Path iv = dir.resolve("a.ivecs");
        VecsWriter.writeInts(iv, ids, 2, 2);
        byte[] b = Files.readAllBytes(iv);
        assertEquals(2, b[0]);
        assertEquals(5, b[4]);
        assertArrayEquals(new float[] {5, 0, 9, 1 << 20}, VecsReader.read(iv).toArray());
    }
}
