package org.latent4j.compress.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.tensor.Tensor;

/** BIN and BINC against bits, levels and scores worked out by hand. */
class BinaryQuantizerTest {
    private static final Tensor TRAIN = Tensor.wrap(new float[] {1, -1, 0, 3, -2, 5}, 2, 3);

    @Test
    void binSetsTheBitOfEachPositiveValueLsbFirst() {
        Compressor c = Compressors.fit("BIN", TRAIN, FitOptions.defaults());
        assertEquals(1, c.codeSize());
        assertArrayEquals(new byte[] {0b001, 0b101}, c.encode(TRAIN));
        // dimension 0 was never <= 0 (its low level is the threshold 0), dimension 1 never > 0
        assertArrayEquals(new float[] {0, -1.5f, 0, 2, 0, 5}, c.decode(new byte[] {0, 0b111}, 2).toArray(), 1e-6f);
    }

    @Test
    void bincThresholdsAtTheTrainingMean() {
        Compressor c = Compressors.fit("BINC", TRAIN, FitOptions.defaults());
        // means 2, -1.5, 2.5
        assertArrayEquals(new byte[] {0b010, 0b101}, c.encode(TRAIN));
        assertArrayEquals(new float[] {1, -1, 0, 3, -2, 5}, c.decode(new byte[] {0b010, 0b101}, 2).toArray(), 1e-6f);
    }

    @Test
    void theNinthDimensionIsBitZeroOfTheSecondByte() {
        float[] x = new float[9];
        x[8] = 1;
        Compressor c = Compressors.fit("BIN", Tensor.wrap(x, 1, 9), FitOptions.defaults());
        assertEquals(2, c.codeSize());
        assertArrayEquals(new byte[] {0, 1}, c.encode(Tensor.wrap(x, 1, 9)));
    }

    @Test
    void scoresAreTheQueryAgainstTheTwoLevelVector() {
        Compressor c = Compressors.fit("BINC", TRAIN, FitOptions.defaults());
        float[] q = {0, 0, 1};
        CodeDistance l2 = c.distance(Metric.L2);
        l2.setQuery(q, 0);
        float[] s = new float[2];
        l2.scores(new byte[] {0b010, 0b101}, 0, 2, s, 0);
        // decoded (1, -1, 0) and (3, -2, 5)
        assertEquals(1 + 1 + 1, s[0], 1e-6);
        assertEquals(9 + 4 + 16, s[1], 1e-6);
        CodeDistance ip = c.distance(Metric.INNER_PRODUCT);
        ip.setQuery(q, 0);
        ip.scores(new byte[] {0b010, 0b101}, 0, 2, s, 0);
        assertEquals(0, s[0], 1e-6);
        assertEquals(-5, s[1], 1e-6);
    }
}
