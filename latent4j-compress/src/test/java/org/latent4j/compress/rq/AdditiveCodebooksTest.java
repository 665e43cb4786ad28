package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
}
