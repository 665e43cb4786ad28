package org.latent4j.compress.vqae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class LearnedCodesTest {
    private static final int N = 500, D = 16;
    private static Tensor train;
    private static LearnedCodes fitted;

    /** Clusters plus a rank-2 continuous part, far from the origin (so the offset matters), in units of 10. */
    private static Tensor data(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] base = rng.normal(0f, 1f, 6, D).toArray();
        float[] mix = rng.normal(0f, 0.5f, 2, D).toArray();
        float[] z = rng.normal(0f, 1f, n, 2).toArray();
        float[] u = rng.uniform(0f, 1f, n).toArray();
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            int c = Math.min(5, (int) (u[i] * 6));
            for (int j = 0; j < D; j++) x[i * D + j] = 10f * (3f + base[c * D + j] + z[i * 2] * mix[j] + z[i * 2 + 1] * mix[D + j]);
        }
        return Tensor.wrap(x, n, D);
    }

    @BeforeAll
    static void fit() {
        train = data(N, 1);
        FitOptions o = FitOptions.defaults().withEpochs(25).withSeed(3);
        fitted = LearnedCodes.fit("VQAE:2x4", 2, 4, train, o, new LearnedCodes.VqaeSettings(8, List.of(64), 32, 3e-3, 0.25, 20, 0, 0, 0));
    }

    private static double variance(Tensor x) {
        int n = x.dim(0), d = x.dim(1);
        double total = 0;
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += x.data()[i * d + j] / n;
            for (int i = 0; i < n; i++) total += Math.pow(x.data()[i * d + j] - m, 2) / n;
        }
        return total;
    }

    private static double mse(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += Math.pow(a.data()[i] - b.data()[i], 2);
        return s / a.dim(0);
    }

    @Test
    void trainingLearnsCodesThatReconstructWellBelowTheVariance() {
        byte[] codes = fitted.encode(train);
        assertEquals(1 + 4, fitted.codeSize()); // two 4-bit indices share a byte
        double error = mse(train, fitted.decode(codes, N));
        double variance = variance(train);
        assertTrue(error < 0.2 * variance, "reconstruction error " + error + " vs data variance " + variance);
        // the two places use more than a handful of their 16 codes
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < N; i++) used.add(codes[i * fitted.codeSize()] & 0xff);
        assertTrue(used.size() >= 4, "codes used: " + used);
    }

    @Test
    void refiningTheEncodersCodesNeverRaisesTheError() {
        Tensor x = data(200, 5);
        LearnedCodes refined = fitted.withRefineSweeps(3);
        byte[] plain = fitted.encode(x), better = refined.encode(x);
        Tensor a = fitted.decode(plain, 200), b = refined.decode(better, 200);
        for (int i = 0; i < 200; i++) {
            double ea = mse(x.slice(0, i, i + 1).contiguous(), a.slice(0, i, i + 1).contiguous());
            double eb = mse(x.slice(0, i, i + 1).contiguous(), b.slice(0, i, i + 1).contiguous());
            assertTrue(eb <= ea * (1 + 1e-5) + 1e-3, "row " + i + ": " + ea + " -> " + eb);
        }
    }

    @Test
    void refittingTheCodewordsLowersTheTrainingErrorAndSurvivesStateAndLoad() {
        LearnedCodes refitted = fitted.withRefineSweeps(2).refit(train.data(), N, 3);
        double before = mse(train, fitted.decode(fitted.encode(train), N));
        byte[] codes = refitted.encode(train);
        double after = mse(train, refitted.decode(codes, N));
        assertTrue(after < before, before + " -> " + after);
        Compressor back = Compressors.load(List.of(refitted.state()));
        assertArrayEquals(codes, back.encode(train));
        assertArrayEquals(refitted.decode(codes, N).data(), back.decode(codes, N).data());
    }

    @Test
    void theAdditiveDecodingIsTheModelsLinearDecoder() {
        Tensor x = data(20, 7);
        byte[] codes = fitted.encode(x);
        Tensor decoded = fitted.decode(codes, 20);
        float[] z = new float[20 * D];
        // the model's own reconstruction, in standardized units, mapped back
        float[] mean = new float[D];
        float scale;
        StageState s = fitted.state();
        mean = s.tensor("mean").toArray();
        scale = s.tensor("scale").toArray()[0];
        for (int i = 0; i < 20; i++) for (int j = 0; j < D; j++) z[i * D + j] = (x.data()[i * D + j] - mean[j]) / scale;
        Tensor model;
        try (var noGrad = GradMode.disabled()) {
            model = fitted.model().reconstruct(Tensor.wrap(z, 20, D), null).contiguous();
        }
        for (int i = 0; i < 20 * D; i++) assertEquals(mean[i % D] + scale * model.data()[i], decoded.data()[i], 1e-3 * (1 + Math.abs(decoded.data()[i])));
    }

    @Test
    void adcScoresAreTheDistancesToTheDecodedVectors() {
        Tensor q = data(4, 9);
        byte[] codes = fitted.encode(train);
        float[] rec = fitted.decode(codes, N).data();
        for (Metric metric : Metric.values()) {
            CodeDistance dist = fitted.distance(metric);
            float[] scores = new float[N];
            for (int k = 0; k < 4; k++) {
                dist.setQuery(q.data(), k * D);
                dist.scores(codes, 0, N, scores, 0);
                double qq = 0;
                for (int j = 0; j < D; j++) qq += q.data()[k * D + j] * q.data()[k * D + j];
                for (int i = 0; i < N; i++) {
                    double l2 = 0, ip = 0;
                    for (int j = 0; j < D; j++) {
                        double a = q.data()[k * D + j], b = rec[i * D + j];
                        l2 += (a - b) * (a - b);
                        ip += a * b;
                    }
                    assertEquals(metric == Metric.L2 ? l2 : -ip, scores[i], 1e-5 * (qq + 1), metric + " query " + k + " code " + i);
                }
            }
        }
    }

    @Test
    void stateAndLoadGiveTheSameCodesAndDecoding() {
        Compressor back = Compressors.load(List.of(fitted.state()));
        assertEquals("VQAE:2x4", back.token());
        byte[] codes = fitted.encode(train);
        assertArrayEquals(codes, back.encode(train));
        assertArrayEquals(fitted.decode(codes, N).data(), back.decode(codes, N).data());
    }

    @Test
    void theKindFitsItsTokenThroughTheRegistry() {
        Compressor c = Compressors.fit("VQAE:3x2", data(64, 11), FitOptions.defaults().withEpochs(1));
        assertEquals("VQAE:3x2", c.token());
        assertEquals(1 + 4, c.codeSize());
        assertEquals("VQAE:3x8", VqaeKind.parse("VQAE:3").canonical());
    }

    @Test
    void badTokensAreRefusedInOneLine() {
        for (String bad : List.of("VQAE", "VQAE:", "VQAE:0x8", "VQAE:8x13", "VQAE:8x0", "VQAE8x8", "VQAE:8x8x8")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate(bad, 16), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        StageState s = fitted.state();
        StageState wrong = new StageState(s.kind(), "VQAE:3x4", s.config(), s.tensors());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.load(List.of(wrong)));
        assertTrue(e.getMessage().contains("VQAE:3x4"), e.getMessage());
    }
}
