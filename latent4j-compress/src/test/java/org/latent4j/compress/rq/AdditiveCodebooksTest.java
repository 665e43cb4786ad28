package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class AdditiveCodebooksTest {
    private static final long MB = 1L << 20;

    @Test
    void sixtyFourBooksOf256CodewordsFitTheLimitAndNeed504Mebibytes() {
        assertEquals(64L * 63 / 2 * 256 * 256, AdditiveCodebooks.crossFloats(64, 8));
        assertEquals(504, 4 * AdditiveCodebooks.crossFloats(64, 8) / MB);
        assertTrue(AdditiveCodebooks.crossFloats(64, 8) <= AdditiveCodebooks.MAX_CROSS_FLOATS);
        assertTrue(AdditiveCodebooks.crossFloats(128, 8) > AdditiveCodebooks.MAX_CROSS_FLOATS);
    }

    @Test
    void tablesOfMoreThanAQuarterOfTheHeapAreRefusedNamingTheRemedy() {
        assertDoesNotThrow(() -> AdditiveCodebooks.requireCrossTables("VQAE:64x8", 64, 8, 2020 * MB));
        var e = assertThrows(IllegalArgumentException.class, () -> AdditiveCodebooks.requireCrossTables("VQAE:64x8", 64, 8, 2010 * MB));
        assertTrue(e.getMessage().contains("504 MiB of cross products") && e.getMessage().contains("2010 MiB heap") && e.getMessage().contains("-Xmx"), e.getMessage());
        assertDoesNotThrow(() -> AdditiveCodebooks.requireCrossTables("RQ1x8", 1, 8, 0)); // one book has no pairs
    }

    @Test
    void aStagesCodewordTensorRoundTripsAndAnotherShapeIsRefusedByName() {
        AdditiveCodebooks cb = new AdditiveCodebooks(3, 2, 5, new Rng(1).normal(0f, 1f, 3 * 4 * 5).toArray());
        float[] kept = cb.codewords().clone();
        Tensor scratch = cb.toTensor();
        scratch.data()[0] += 1; // a copy: the codebooks keep their own
        assertArrayEquals(kept, cb.codewords());
        Tensor t = cb.toTensor();
        assertArrayEquals(new int[] {12, 5}, t.shape());
        assertArrayEquals(cb.codewords(), AdditiveCodebooks.fromTensor(t, 3, 2, -1, "x").codewords());
        assertArrayEquals(cb.codewords(), AdditiveCodebooks.fromTensor(t, 3, 2, 5, "x").codewords());
        var e = assertThrows(IllegalArgumentException.class, () -> AdditiveCodebooks.fromTensor(t, 4, 2, -1, "stage RQ4x2: codebooks"));
        assertEquals("stage RQ4x2: codebooks must be [16, d], got [12, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdditiveCodebooks.fromTensor(t, 3, 2, 6, "start"));
        assertEquals("start must be [12, 6], got [12, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdditiveCodebooks.fromTensor(Tensor.of(new float[60], 60), 3, 2, -1, "flat"));
        assertTrue(e.getMessage().startsWith("flat must be [12, d]"), e.getMessage());
        t.data()[7] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> AdditiveCodebooks.fromTensor(t, 3, 2, 5, "stage VQAE:3x2: startCodewords"));
        assertEquals("stage VQAE:3x2: startCodewords: a codeword holds a non-finite value (NaN)", e.getMessage());
    }
}
