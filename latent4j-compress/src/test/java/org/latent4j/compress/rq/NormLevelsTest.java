package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@link NormLevels} and the one-byte norms ({@code _Nqint8}, {@code _Ncqint8}) of additive codes. */
class NormLevelsTest {
    @Test
    void evenLevelsAreTheCellCentresAndNearestIsTheBruteForceNearest() {
        float[] v = {2f, 10f, 4f, 6f};
        float[] levels = NormLevels.uniform(v, 4);
        assertEquals(256, levels.length);
        assertEquals(2 + 0.5 * 8 / 256, levels[0], 1e-6);
        assertEquals(10 - 0.5 * 8 / 256, levels[255], 1e-5);
        float[] probe = new Rng(1).uniform(0f, 12f, 2000).toArray();
        for (float p : probe) {
            int best = 0;
            for (int j = 1; j < 256; j++) if (Math.abs(levels[j] - p) < Math.abs(levels[best] - p)) best = j;
            assertEquals(Math.abs(levels[best] - p), Math.abs(levels[NormLevels.nearest(levels, p)] - p), 0f, "value " + p);
        }
    }

    @Test
    void kmeansLevelsLandOnTheValuesWhenThereAreAtMost256Distinct() {
        // 256 distinct values, each repeated, unevenly spaced (squares): one level each, exactly on it
        float[] v = new float[256 * 3];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.pow(i % 256, 2) / 100f;
        float[] levels = NormLevels.kmeans(v, v.length);
        for (int j = 0; j < 256; j++) assertEquals((float) Math.pow(j, 2) / 100f, levels[j], 1e-4f * (1 + levels[j]), "level " + j);
    }

    @Test
    void kmeansLevelsQuantizeSkewedNormsBetterThanEvenOnes() {
        float[] z = new Rng(2).normal(0f, 1f, 20_000).toArray(), v = new float[z.length];
        for (int i = 0; i < z.length; i++) v[i] = (float) Math.exp(1.5 * z[i]); // log-normal: most values small, a long tail
        double even = meanSquaredError(NormLevels.uniform(v, v.length), v), fitted = meanSquaredError(NormLevels.kmeans(v, v.length), v);
        assertTrue(fitted < 0.7 * even, "k-means levels " + fitted + " vs even " + even);
    }

    private static double meanSquaredError(float[] levels, float[] v) {
        double s = 0;
        for (float x : v) s += Math.pow(levels[NormLevels.nearest(levels, x)] - x, 2);
        return s / v.length;
    }

    @Test
    void oneByteNormsScoreWithTheNearestLevelAndRoundTrip() {
        Rng rng = new Rng(3);
        int n = 400, d = 12;
        Tensor train = rng.normal(0f, 1f, n, d), queries = rng.normal(0f, 1f, 3, d);
        for (String spec : List.of("RQ3x8_Nqint8", "RQ3x8_Ncqint8", "RQ2x5_Ncqint8")) {
            Compressor c = Compressors.fit(spec, train, FitOptions.defaults().withKmeansIterations(4));
            AdditiveCompressor a = (AdditiveCompressor) c;
            assertEquals(spec, c.token());
            assertEquals(a.codebooks().packedBytes() + 1, c.codeSize());
            byte[] codes = c.encode(train);
            float[] rec = c.decode(codes, n).data(), levels = a.normLevels();
            CodeDistance dist = c.distance(Metric.L2);
            float[] scores = new float[n];
            for (int q = 0; q < 3; q++) {
                dist.setQuery(queries.data(), q * d);
                dist.scores(codes, 0, n, scores, 0);
                for (int i = 0; i < n; i++) {
                    double qq = 0, ip = 0, norm = 0;
                    for (int j = 0; j < d; j++) {
                        float x = queries.data()[q * d + j], y = rec[i * d + j];
                        qq += x * x;
                        ip += x * y;
                        norm += y * y;
                    }
                    int byteIndex = codes[i * c.codeSize() + a.codebooks().packedBytes()] & 0xff;
                    assertEquals(NormLevels.nearest(levels, (float) norm), byteIndex, spec + " code " + i);
                    assertEquals(qq - 2 * ip + levels[byteIndex], scores[i], 1e-4 * (1 + qq + norm), spec + " query " + q + " code " + i);
                }
            }
            Compressor back = Compressors.load(Compressors.states(c));
            assertEquals(spec, back.token());
            assertArrayEquals(codes, back.encode(train));
            assertArrayEquals(levels, ((AdditiveCompressor) back).normLevels());
        }
    }

    @Test
    void missingOrDisorderedLevelsAreRefused() {
        Compressor c = Compressors.fit("RQ2x4_Ncqint8", new Rng(4).normal(0f, 1f, 100, 6), FitOptions.defaults().withKmeansIterations(1));
        StageState s = Compressors.states(c).getFirst();
        StageState missing = new StageState(s.kind(), s.token(), s.config(), java.util.Map.of("codebooks", s.tensor("codebooks")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.load(List.of(missing)));
        assertTrue(e.getMessage().contains("normLevels"), e.getMessage());
        float[] bad = new float[256];
        bad[3] = -1f;
        StageState disordered = new StageState(s.kind(), s.token(), s.config(), java.util.Map.of("codebooks", s.tensor("codebooks"), "normLevels", Tensor.of(bad, 256)));
        e = assertThrows(IllegalArgumentException.class, () -> Compressors.load(List.of(disordered)));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
    }
}
