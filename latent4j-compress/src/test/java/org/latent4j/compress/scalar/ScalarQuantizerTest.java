package org.latent4j.compress.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.ScalarCodeScan;

/** SQ8 and SQ4 against codes and decodes worked out by hand. */
class ScalarQuantizerTest {
    private static Compressor fit(String token, float[] rows, int d) {
        return Compressors.fit(token, Tensor.wrap(rows, rows.length / d, d), FitOptions.defaults());
    }

    @Test
    void sq8MapsEachDimensionToItsOwnRangeAndDecodesToLevelCentres() {
        // ranges [0, 2] and [10, 20]: steps 2/256 and 10/256
        Compressor c = fit("SQ8", new float[] {0, 10, 2, 20}, 2);
        assertEquals(2, c.codeSize());
        byte[] codes = c.encode(Tensor.wrap(new float[] {1f, 20f, -3f, 14f}, 2, 2));
        // 1 / (2/256) = 128; 20 is the top, clamped to 255; below the range clamps to 0; (14-10)/(10/256) = 102.4
        assertArrayEquals(new byte[] {(byte) 128, (byte) 255, 0, 102}, codes);
        float[] dec = c.decode(codes, 2).toArray();
        assertEquals(128.5 * 2 / 256, dec[0], 1e-6);
        assertEquals(10 + 255.5 * 10 / 256, dec[1], 1e-5);
        assertEquals(0.5 * 2 / 256, dec[2], 1e-6);
        assertEquals(10 + 102.5 * 10 / 256, dec[3], 1e-5);
    }

    @Test
    void sq4PacksTwoDimensionsAByteLowNibbleFirst() {
        // three dimensions over [0, 1]: steps 1/16, two bytes a vector, the last high nibble unused
        Compressor c = fit("SQ4", new float[] {0, 0, 0, 1, 1, 1}, 3);
        assertEquals(2, c.codeSize());
        byte[] codes = c.encode(Tensor.wrap(new float[] {0.5f, 1f, 0.1f}, 1, 3));
        assertArrayEquals(new byte[] {(byte) 0xF8, 0x01}, codes);
        assertArrayEquals(new float[] {8.5f / 16, 15.5f / 16, 1.5f / 16}, c.decode(codes, 1).toArray(), 1e-6f);
    }

    @Test
    void aConstantDimensionDecodesToItsValue() {
        Compressor c = fit("SQ8", new float[] {3, 0, 3, 1}, 2);
        float[] dec = c.decode(c.encode(Tensor.wrap(new float[] {7f, 0.5f}, 1, 2)), 1).toArray();
        assertEquals(3f, dec[0]);
    }

    @Test
    void otherBitWidthsAreRefused() {
        ScalarQuantizerKind k = new ScalarQuantizerKind();
        for (String bad : new String[] {"SQ6", "SQ16", "SQ0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.validate(bad, 8));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("8 or 4"), e.getMessage());
        }
    }

    /**
     * The asymmetric score is the distance to the decoded vector, on the engine's scalar scan and its Vector-API
     * one, at widths that leave a partial vector step (17) or an odd last nibble (785), from a range of codes that
     * does not start at 0 (n = 23 leaves a partial block of four codes).
     */
    @Test
    void asymmetricScoresAreDistancesToTheDecodedVectorsOnBothScans() {
        SplittableRandom r = new SplittableRandom(7);
        for (CodeScan scan : new CodeScan[] {ScalarCodeScan.INSTANCE, Kernels.simdCodeScan()}) {
            try (Kernels.Restore ignored = Kernels.use(Kernels.vector(), Kernels.gemm(), Kernels.codeSearch(), scan)) {
                for (String token : new String[] {"SQ8", "SQ4"}) {
                    for (int d : new int[] {17, 785}) {
                        int n = 30, from = 7;
                        float[] rows = new float[n * d], q = new float[d];
                        for (int i = 0; i < rows.length; i++) rows[i] = (float) (r.nextDouble() * (1 + i % d % 3));
                        for (int j = 0; j < d; j++) q[j] = (float) (r.nextDouble() * 3 - 0.5);
                        Compressor c = fit(token, rows, d);
                        byte[] codes = c.encode(Tensor.wrap(rows, n, d));
                        float[] dec = c.decode(codes, n).toArray();
                        for (Metric metric : Metric.values()) {
                            CodeDistance dist = c.distance(metric);
                            dist.setQuery(q, 0);
                            float[] scores = new float[n - from];
                            dist.scores(codes, from, n, scores, 0);
                            for (int i = from; i < n; i++) {
                                double want = 0, size = 0;
                                for (int j = 0; j < d; j++) {
                                    double t = metric == Metric.L2 ? Math.pow(q[j] - dec[i * d + j], 2) : -(double) q[j] * dec[i * d + j];
                                    want += t;
                                    size += Math.abs(t);
                                }
                                assertEquals(want, scores[i - from], 1e-5 * size + 1e-6,
                                        scan.name() + " " + token + " d=" + d + " " + metric + " code " + i);
                            }
                        }
                    }
                }
            }
        }
    }
}
