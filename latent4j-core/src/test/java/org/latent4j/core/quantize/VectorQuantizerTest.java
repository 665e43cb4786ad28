package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/** The vector quantizer piece by piece, against values worked out by hand and against the papers' formulas. */
class VectorQuantizerTest {
    /** Codes (1, 0), (0, 2), (-3, 0). */
    private static final float[] CODES = {1, 0, 0, 2, -3, 0};

    private static VectorQuantizer quantizer(VectorQuantizerConfig config, float[] codes) {
        VectorQuantizer q = new VectorQuantizer(config, new Rng(1));
        q.namedState().get("codebook").copyFrom(Tensor.of(codes, config.codebookSize(), config.lookupDim()));
        if (config.update() == VectorQuantizerConfig.Update.EMA) q.namedState().get("embed_sum").copyFrom(Tensor.of(codes, config.codebookSize(), config.lookupDim()));
        return q;
    }

    private static Tensor leaf(float[] v, int... shape) {
        return Tensor.of(v, shape).requiresGrad(true);
    }

    @Test
    void nearestCodesAndBothLossesMatchHandValues() {
        VectorQuantizer q = quantizer(VectorQuantizerConfig.of(2, 3).withBeta(0.5), CODES);
        // (0.5, 0.5) -> code 0 (distance 0.5; code 1 is 2.5 away), (0, 3) -> code 1 (1), (-1, 0) -> code 0 (4; code 2 is also 4: lowest index)
        Tensor z = leaf(new float[] {0.5f, 0.5f, 0, 3, -1.9f, 0}, 3, 2);
        Quantized r = q.quantize(z, true);
        assertArrayEquals(new int[] {0, 1, 2}, r.indices());
        assertArrayEquals(new float[] {1, 0, 0, 2, -3, 0}, r.output().toArray(), 1e-6f, "the forward value is the code");
        // squared distances 0.5, 1, 1.21: per row 2.71 / 3; codebook loss that, commitment 0.5 times it
        double perRow = (0.5 + 1 + 1.21) / 3;
        assertEquals(perRow, r.metrics().get("codebook_loss"), 1e-6);
        assertEquals(0.5 * perRow, r.metrics().get("commitment_loss"), 1e-6);
        assertEquals(1.5 * perRow, r.loss().item(), 1e-6);
        assertEquals(3.0, r.metrics().get("codes_used"));
        assertEquals(3.0, r.metrics().get("perplexity"), 1e-9, "three codes once each: perplexity 3");
    }

    @Test
    void theStraightThroughGradientIsTheIdentityPlusTheCommitmentTerm() {
        float beta = 0.25f;
        VectorQuantizer q = quantizer(VectorQuantizerConfig.of(2, 3).withBeta(beta), CODES);
        float[] zv = {0.5f, 0.5f, 0, 3, -2.5f, 0.25f};
        Tensor z = leaf(zv, 3, 2);
        float[] g = {0.3f, -0.7f, 1.1f, 0.2f, -0.4f, 0.9f};
        Quantized r = q.quantize(z, true);
        r.output().mul(Tensor.of(g, 3, 2)).sum().add(r.loss()).backward();
        float[] e = {1, 0, 0, 2, -3, 0};
        float[] expected = new float[6];
        // d/dz of g.out is g (straight through); of beta/n sum ||z - sg e||^2 is 2 beta (z - e) / n; the codebook loss gives z nothing
        for (int i = 0; i < 6; i++) expected[i] = g[i] + 2 * beta * (zv[i] - e[i]) / 3;
        assertArrayEquals(expected, z.grad().toArray(), 1e-6f);
        // and the codebook gets 2 (e - z) / n from the codebook loss only (not from the output)
        float[] cg = q.namedParameters().get("codebook").grad().toArray();
        for (int i = 0; i < 6; i++) assertEquals(2 * (e[i] - zv[i]) / 3, cg[i], 1e-6f, "codebook element " + i);
    }

    @Test
    void cosineLookupPicksTheLargestCosineNotTheNearestCode() {
        VectorQuantizer q = quantizer(VectorQuantizerConfig.of(2, 3).withDistance(VectorQuantizerConfig.Distance.COSINE).withInit(VectorQuantizerConfig.Init.RANDOM, 0),
                new float[] {10, 1, 0.2f, 0.21f, -1, 0});
        // (0.3, 0.3) is nearest to code 1 in L2 but at 0 degrees from it only in direction; code 0 is at 5.7 degrees: cosine picks code 1;
        // (3, 0.1) is nearest to code 1 in L2 (distance 7.8) but its direction is code 0's
        Tensor z = Tensor.of(new float[] {0.3f, 0.3f, 3, 0.1f, -0.1f, 0.05f}, 3, 2);
        assertArrayEquals(new int[] {1, 0, 2}, q.assign(z));
        assertArrayEquals(new int[] {1, 1, 1}, quantizer(VectorQuantizerConfig.of(2, 3), new float[] {10, 1, 0.2f, 0.21f, -1, 0}).assign(z),
                "L2 picks otherwise");
        Quantized r = q.quantize(z, false);
        float[] out = r.output().toArray();
        assertEquals(1.0, Math.hypot(out[0], out[1]), 1e-6, "outputs are the unit-norm codes");
        assertEquals(10 / Math.hypot(10, 1), out[2], 1e-6);
    }

    @Test
    void emaUpdateIsTheFormulaWithLaplaceSmoothing() {
        float gamma = 0.9f, eps = 0.01f;
        VectorQuantizerConfig c = VectorQuantizerConfig.of(2, 3).withEma(gamma, eps);
        VectorQuantizer q = quantizer(c, CODES);
        assertTrue(q.namedParameters().isEmpty(), "an EMA codebook is a buffer, no parameter: " + q.namedParameters().keySet());
        Tensor z = Tensor.of(new float[] {0.5f, 0.5f, 1.5f, -0.5f, 0, 3}, 3, 2); // codes 0, 0, 1
        Quantized r = q.quantize(z, true);
        assertArrayEquals(new int[] {0, 0, 1}, r.indices());
        assertEquals(0.0, r.metrics().get("codebook_loss"), "no codebook loss with EMA");
        q.afterOptimizerStep(r, new Rng(5));
        // N = 0.9 * 1 + 0.1 * n: 1.1, 1.0, 0.9; m = 0.9 e + 0.1 * (sum of its rows)
        double[] n = {0.9 + 0.1 * 2, 0.9 + 0.1 * 1, 0.9};
        double[][] m = {{0.9 * 1 + 0.1 * 2, 0.9 * 0 + 0.1 * 0}, {0.9 * 0 + 0.1 * 0, 0.9 * 2 + 0.1 * 3}, {0.9 * -3, 0}};
        double total = n[0] + n[1] + n[2];
        float[] size = q.namedState().get("cluster_size").toArray(), sum = q.namedState().get("embed_sum").toArray(),
                codes = q.namedState().get("codebook").toArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(n[i], size[i], 1e-6, "N_" + i);
            double smoothed = (n[i] + eps) / (total + 3 * eps) * total;
            for (int j = 0; j < 2; j++) {
                assertEquals(m[i][j], sum[i * 2 + j], 1e-6, "m_" + i);
                assertEquals(m[i][j] / smoothed, codes[i * 2 + j], 1e-6, "e_" + i);
            }
        }
    }

    @Test
    void kmeansPlusPlusGivesDistinctCodesFromTheDataAndLloydLowersTheError() {
        Rng rng = new Rng(3);
        // 6 blobs in 3-D
        int n = 600, d = 3;
        float[] centres = rng.normal(0, 4, 6, d).toArray(), noise = rng.normal(0, 0.5f, n, d).toArray(), x = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = centres[(i % 6) * d + j] + noise[i * d + j];
        Tensor points = Tensor.of(x, n, d);
        Tensor seeds = KMeans.seed(points, 12, new Rng(4));
        Set<String> rows = new HashSet<>();
        Set<String> data = new HashSet<>();
        for (int i = 0; i < n; i++) data.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(x, i * d, i * d + d)));
        float[] s = seeds.toArray();
        for (int c = 0; c < 12; c++) {
            String row = java.util.Arrays.toString(java.util.Arrays.copyOfRange(s, c * d, c * d + d));
            assertTrue(data.contains(row), "a seed is a data point");
            rows.add(row);
        }
        assertEquals(12, rows.size(), "12 distinct seeds");
        double before = KMeans.error(points, seeds);
        Tensor once = KMeans.lloyd(points, seeds, false);
        double after = KMeans.error(points, once), later = KMeans.error(points, KMeans.fit(points, 12, 10, false, new Rng(4)));
        assertTrue(after < before && later <= after, before + " -> " + after + " -> " + later);

        // through the quantizer's initialisation: the codebook becomes those centres
        VectorQuantizer q = new VectorQuantizer(VectorQuantizerConfig.of(d, 12), new Rng(1));
        double random = KMeans.error(points, q.namedState().get("codebook"));
        q.initialise(points, new Rng(9));
        double fitted = KMeans.error(points, q.namedState().get("codebook"));
        assertTrue(fitted < before && fitted < random / 10, random + " -> " + fitted);
        assertEquals(12, java.util.Arrays.stream(q.assign(points)).distinct().count(), "every code is some point's nearest");
    }

    @Test
    void deadCodeRestartReplacesExactlyTheCodesUnusedForTheWindow() {
        VectorQuantizerConfig c = VectorQuantizerConfig.of(2, 4).withInit(VectorQuantizerConfig.Init.RANDOM, 0).withRestart(3, 8);
        VectorQuantizer q = quantizer(c, new float[] {0, 0, 10, 10, -10, 10, 100, 100});
        Tensor near0 = Tensor.of(new float[] {0.1f, 0, 0, 0.1f, 9.9f, 10, 0.2f, 0.1f}, 4, 2); // codes 0, 0, 1, 0
        Tensor near2 = Tensor.of(new float[] {-10, 9, 0.1f, 0.1f, -9, 10, 0, 0.2f}, 4, 2); // codes 2, 0, 2, 0
        float[] before = q.namedState().get("codebook").toArray();
        // steps 1 and 2: code 3 unused twice, code 2 once then used; step 3: code 3 reaches the window
        for (Tensor z : List.of(near0, near2)) {
            Quantized r = q.quantize(z, true);
            assertEquals(0.0, r.metrics().get("dead_codes"));
            q.afterOptimizerStep(r, new Rng(7));
        }
        assertArrayEquals(new float[] {0, 1, 0, 2}, q.unusedSteps());
        Quantized r = q.quantize(near0, true);
        assertEquals(1.0, r.metrics().get("dead_codes"), "code 3 is the one that reaches 3 unused steps");
        q.afterOptimizerStep(r, new Rng(8));
        float[] after = q.namedState().get("codebook").toArray();
        for (int i = 0; i < 6; i++) assertEquals(before[i], after[i], "codes 0-2 are untouched");
        Set<String> pool = new HashSet<>();
        float[] p = q.namedState().get("restart_pool").toArray();
        for (int i = 0; i < 8; i++) pool.add(p[2 * i] + "," + p[2 * i + 1]);
        assertTrue(pool.contains(after[6] + "," + after[7]) && !(after[6] == 100 && after[7] == 100),
                "code 3 is now a recent input: " + after[6] + "," + after[7] + " in " + pool);
        Set<String> inputs = new HashSet<>();
        for (Tensor z : List.of(near0, near2)) {
            float[] v = z.toArray();
            for (int i = 0; i < 4; i++) inputs.add(v[2 * i] + "," + v[2 * i + 1]);
        }
        assertTrue(inputs.contains(after[6] + "," + after[7]));
        assertArrayEquals(new float[] {0, 0, 1, 0}, q.unusedSteps(), "the restarted code starts counting afresh");
    }

    @Test
    void restartsAreDeterministicAndFollowTheHookGenerator() {
        VectorQuantizerConfig c = VectorQuantizerConfig.of(2, 6).withInit(VectorQuantizerConfig.Init.RANDOM, 0).withRestart(1, 16);
        float[][] results = new float[3][];
        long[] seeds = {5, 5, 6};
        for (int t = 0; t < 3; t++) {
            VectorQuantizer q = new VectorQuantizer(c, new Rng(1));
            Tensor z = new Rng(2).normal(0, 1, 16, 2);
            q.afterOptimizerStep(q.quantize(z, true), new Rng(seeds[t]));
            results[t] = q.namedState().get("codebook").toArray();
        }
        assertArrayEquals(results[0], results[1]);
        assertFalse(java.util.Arrays.equals(results[0], results[2]), "another hook generator draws other rows");
    }

    @Test
    void theRotationTrickKeepsTheValueAndRotatesTheGradientAsTheFormulaSays() {
        // one row: z = (3, 4) (norm 5), its code e = (0, 2) (norm 2)
        VectorQuantizer q = quantizer(VectorQuantizerConfig.of(2, 1).withGradient(VectorQuantizerConfig.Gradient.ROTATION).withBeta(0), new float[] {0, 2});
        Tensor z = leaf(new float[] {3, 4}, 1, 2);
        Quantized r = q.quantize(z, true);
        assertArrayEquals(new float[] {0, 2}, r.output().toArray(), 1e-6f, "forward = q");
        float[] g = {0.7f, -1.3f};
        r.output().mul(Tensor.of(g, 1, 2)).sum().backward();
        // lambda = 2/5; e^ = (0.6, 0.8), q^ = (0, 1), r = (e^ + q^)/|e^ + q^|; R^T = I - 2 r r^T + 2 e^ q^T
        double[] eh = {0.6, 0.8}, qh = {0, 1}, w = {0.6, 1.8};
        double nw = Math.hypot(w[0], w[1]);
        double[] rr = {w[0] / nw, w[1] / nw};
        double rg = rr[0] * g[0] + rr[1] * g[1], qg = qh[0] * g[0] + qh[1] * g[1];
        float[] expected = new float[2];
        for (int i = 0; i < 2; i++) expected[i] = (float) (0.4 * (g[i] - 2 * rr[i] * rg + 2 * eh[i] * qg));
        assertArrayEquals(expected, z.grad().toArray(), 1e-6f);
        // R takes e^ to q^ and keeps lengths: lambda R z = q, so R is a rotation scaled by lambda
        double[][] rot = new double[2][2];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) rot[i][j] = (i == j ? 1 : 0) - 2 * rr[i] * rr[j] + 2 * qh[i] * eh[j];
        assertEquals(0, rot[0][0] * eh[0] + rot[0][1] * eh[1] - qh[0], 1e-12);
        assertEquals(0, rot[1][0] * eh[0] + rot[1][1] * eh[1] - qh[1], 1e-12);
        assertEquals(1, rot[0][0] * rot[1][1] - rot[0][1] * rot[1][0], 1e-12, "a rotation: determinant 1");
        assertNotEquals(g[0], z.grad().toArray()[0], "not the straight-through gradient");
    }

    @Test
    void theRotationTricksGradientIsThatOfItsSurrogateInManyDimensions() {
        for (var distance : VectorQuantizerConfig.Distance.values()) {
            VectorQuantizerConfig c = VectorQuantizerConfig.of(5, 7).withGradient(VectorQuantizerConfig.Gradient.ROTATION).withDistance(distance)
                    .withInit(VectorQuantizerConfig.Init.RANDOM, 0);
            VectorQuantizer q = new VectorQuantizer(c, new Rng(11));
            Tensor z = new Rng(12).normal(0, 1, 9, 5).requiresGrad(true);
            Tensor w = new Rng(13).normal(0, 1, 9, 5);
            List<Tensor> inputs = new java.util.ArrayList<>(q.parameters());
            inputs.add(z);
            try (Surrogate.Freeze f = Surrogate.freeze()) {
                GradCheck.Result r = GradCheck.check(in -> {
                    f.evaluation();
                    Quantized out = q.quantize(z, true);
                    return out.output().mul(w).sum().add(out.loss());
                }, inputs.toArray(new Tensor[0]));
                assertTrue(r.ok(), distance + ": " + r);
                assertTrue(f.recorded() > 5, "the rotation's factors are stop-gradients");
            }
            // without the freeze, finite differences see a piecewise-constant output: the gradient is an estimator's
            GradCheck.Result loose = GradCheck.check(in -> q.quantize(z, true).output().mul(w).sum(), z);
            assertFalse(loose.ok(), "the raw output does not move with z");
        }
    }

    @Test
    void simVqTrainsItsLinearMapAndNeverItsFrozenCodebook() {
        VectorQuantizerConfig c = VectorQuantizerConfig.of(4, 16).withInit(VectorQuantizerConfig.Init.RANDOM, 0).withCodebook(VectorQuantizerConfig.Codebook.SIMVQ);
        VectorQuantizer q = new VectorQuantizer(c, new Rng(1));
        assertEquals(Set.of("simvq_weight"), q.namedParameters().keySet(), "the paper's start: no bias");
        Tensor frozen = q.namedBuffers().get("frozen_codebook");
        float[] c0 = frozen.toArray(), w0 = q.namedParameters().get("simvq_weight").toArray();
        double var = 0;
        for (float v : c0) var += v * v;
        assertEquals(0.25, var / c0.length, 0.1, "C ~ N(0, 1/d)");
        Adam adam = new Adam(q.parameters(), AdamOptions.DEFAULTS.withLearningRate(0.01));
        Tensor z = new Rng(2).normal(0, 1, 32, 4);
        double first = 0, last = 0;
        for (int s = 0; s < 30; s++) {
            adam.zeroGrad();
            Quantized r = q.quantize(z, true);
            r.loss().backward();
            if (s == 0) first = r.loss().item();
            last = r.loss().item();
            adam.step();
            q.afterOptimizerStep(r, new Rng(s));
        }
        assertArrayEquals(c0, frozen.toArray(), "C never changes");
        assertFalse(java.util.Arrays.equals(w0, q.namedParameters().get("simvq_weight").toArray()), "W learns");
        assertTrue(last < first, first + " -> " + last);
        // the codes are C W^T
        try (var noGrad = GradMode.disabled()) {
            Tensor expected = org.latent4j.tensor.ops.LinearAlgebra.linear(frozen, q.namedParameters().get("simvq_weight"));
            assertArrayEquals(expected.toArray(), q.codes().toArray(), 1e-6f);
        }
    }

    @Test
    void simVqsMomentStartGivesCodesTheMeanAndCovarianceOfTheEncoderOutputs() {
        VectorQuantizerConfig c = VectorQuantizerConfig.of(3, 4096).withCodebook(VectorQuantizerConfig.Codebook.SIMVQ);
        assertEquals(VectorQuantizerConfig.Init.MOMENTS, c.init(), "SimVQ's data-dependent start is the default");
        VectorQuantizer q = new VectorQuantizer(c, new Rng(1));
        assertEquals(Set.of("simvq_weight", "simvq_bias"), q.namedParameters().keySet());
        // outputs with mean (5, -3, 1) and a correlated covariance, far from the map's random scale
        double[] mean = {5, -3, 1};
        double[][] a = {{2, 0, 0}, {1.5, 0.5, 0}, {0, -1, 3}}; // x = mean + A g, covariance A A^T
        int n = 20_000;
        float[] x = new float[n * 3];
        float[] g = new Rng(7).normal(0, 1, n, 3).toArray();
        for (int i = 0; i < n; i++) {
            double g0 = g[i * 3], g1 = g[i * 3 + 1], g2 = g[i * 3 + 2];
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float) (mean[j] + a[j][0] * g0 + a[j][1] * g1 + a[j][2] * g2);
        }
        q.initialise(Tensor.of(x, n, 3), new Rng(3));
        float[] codes;
        try (var noGrad = GradMode.disabled()) {
            codes = q.codes().toArray();
        }
        int k = 4096;
        double[] m = new double[3];
        for (int i = 0; i < k; i++) for (int j = 0; j < 3; j++) m[j] += codes[i * 3 + j] / (double) k;
        // exactly the sample moments of the outputs (C's own sample moments are divided out), which are near the true ones
        for (int j = 0; j < 3; j++) assertEquals(mean[j], m[j], 0.1, "mean of the codes, dimension " + j);
        for (int p = 0; p < 3; p++) {
            for (int s = 0; s < 3; s++) {
                double cov = 0, expected = 0;
                for (int i = 0; i < k; i++) cov += (codes[i * 3 + p] - m[p]) * (codes[i * 3 + s] - m[s]) / (k - 1.0);
                for (int t = 0; t < 3; t++) expected += a[p][t] * a[s][t];
                assertEquals(expected, cov, 0.05 * (1 + Math.abs(expected)), "covariance (" + p + ", " + s + ")");
            }
        }
        // the outputs now find codes near them: the mean squared distance to the nearest code is a small share of the variance
        int[] idx = q.assign(Tensor.of(x, n, 3));
        double err = 0, total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                double e = x[i * 3 + j] - codes[idx[i] * 3 + j], t = x[i * 3 + j] - mean[j];
                err += e * e;
                total += t * t;
            }
        }
        assertTrue(err / total < 0.05, "quantization error share " + err / total);
    }

    @Test
    void aProjectedLookupQuantizesInTheSmallSpaceAndMapsBack() {
        VectorQuantizerConfig c = VectorQuantizerConfig.of(6, 5).withProjection(2).withInit(VectorQuantizerConfig.Init.RANDOM, 0);
        VectorQuantizer q = new VectorQuantizer(c, new Rng(1));
        assertArrayEquals(new int[] {5, 2}, q.namedState().get("codebook").shape());
        Tensor z = new Rng(2).normal(0, 1, 8, 6);
        Quantized r = q.quantize(z, false);
        assertArrayEquals(new int[] {8, 6}, r.output().shape());
        assertArrayEquals(r.output().toArray(), q.decode(r.indices(), 8).toArray(), 1e-6f, "decode gives the quantized vectors back");
        Tensor zl = z.requiresGrad(true);
        List<Tensor> inputs = new java.util.ArrayList<>(q.parameters());
        inputs.add(zl);
        try (Surrogate.Freeze f = Surrogate.freeze()) {
            GradCheck.Result g = GradCheck.check(in -> {
                f.evaluation();
                Quantized out = q.quantize(zl, true);
                return out.output().square().sum().add(out.loss());
            }, inputs.toArray(new Tensor[0]));
            assertTrue(g.ok(), g.toString());
        }
    }

    @Test
    void badConfigsAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> VectorQuantizerConfig.of(4, 16).withCodebook(VectorQuantizerConfig.Codebook.SIMVQ)
                .withEma(0.99, 1e-5));
        assertTrue(e.getMessage().contains("SimVQ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorQuantizerConfig.of(4, 16).withEma(1.0, 1e-5));
        assertTrue(e.getMessage().contains("decay"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorQuantizerConfig.of(0, 16));
        assertTrue(e.getMessage().contains("dim"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new VectorQuantizer(VectorQuantizerConfig.of(4, 16).withCodebook(VectorQuantizerConfig.Codebook.SIMVQ).withRestart(5, 10), new Rng(1)));
        assertTrue(e.getMessage().contains("restart"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorQuantizerConfig.of(4, 16).withInit(VectorQuantizerConfig.Init.MOMENTS, 0));
        assertTrue(e.getMessage().contains("MOMENTS"), e.getMessage());
        assertEquals(VectorQuantizerConfig.Init.KMEANS,
                VectorQuantizerConfig.of(4, 16).withCodebook(VectorQuantizerConfig.Codebook.SIMVQ).withCodebook(VectorQuantizerConfig.Codebook.LEARNED).init(),
                "the data-dependent start follows the codebook back");
    }
}
