package org.latent4j.core.estimator.silent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * {@link SilentDecoder}'s exact expectations against Monte Carlo averages and, for categorical latents, against the
 * sum over every configuration; their gradients against finite differences; and the gradient split of
 * {@link SilentGradients} and its schedule.
 */
class SilentDecoderTest {
    private static final int D = 6;

    private static Tensor uniform(SplittableRandom r, float lo, float hi, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.of(v, shape);
    }

    /** A decoder with non-trivial weights, bias and variance(s). */
    private static SilentDecoder decoder(int latent, SilentLikelihood kind, long seed) {
        SilentDecoder dec = new SilentDecoder(D, latent, new SilentGradientsConfig(10, kind, 0.7), new Rng(seed));
        SplittableRandom r = new SplittableRandom(seed);
        for (var p : dec.namedParameters().entrySet()) {
            float[] d = p.getValue().data();
            for (int i = 0; i < p.getValue().size(); i++) {
                d[p.getValue().offset() + i] = (float) (p.getKey().equals("log_var") ? -1.5 + r.nextDouble() : r.nextDouble() * 2 - 1);
            }
        }
        return dec;
    }

    /**
     * Asserts that the exact expectation per row lies within 4.5 standard errors of the Monte Carlo mean of
     * {@code draws} rows of log-likelihoods [s, b] (standard error from the samples' own variance; 4.5 sigma keeps the
     * false-alarm rate of the whole test class below 1e-4), plus float rounding of the sums.
     */
    private static void assertWithinMonteCarlo(float[] exact, float[] draws, int s, int b, String what) {
        for (int row = 0; row < b; row++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < s; i++) sum += draws[i * b + row];
            double mean = sum / s;
            for (int i = 0; i < s; i++) sq += (draws[i * b + row] - mean) * (draws[i * b + row] - mean);
            double se = Math.sqrt(sq / (s - 1) / s);
            double tol = 4.5 * se + 1e-4 * Math.abs(mean);
            assertTrue(Math.abs(exact[row] - mean) <= tol,
                    what + " row " + row + ": exact " + exact[row] + " vs Monte Carlo " + mean + " +- " + se + " (" + s + " draws)");
            // the test must be able to fail: the spread of the draws is far wider than the tolerance
            assertTrue(Math.sqrt(sq / (s - 1)) > 10 * tol, what + ": the draws barely vary, so the comparison shows nothing");
        }
    }

    @Test
    void gaussianLatentsMatchMonteCarloForEveryLikelihood() {
        int b = 3, l = 4, s = 40_000;
        for (SilentLikelihood kind : SilentLikelihood.values()) {
            SplittableRandom r = new SplittableRandom(11);
            SilentDecoder dec = decoder(l, kind, 3);
            Tensor mean = uniform(r, -1, 1, b, l), variance = uniform(r, 0.2f, 1.5f, b, l), x = uniform(r, -1, 1, b, D);
            try (var ng = GradMode.disabled()) {
                float[] exact = dec.gaussianLatents(mean, variance, x).toArray();
                Tensor eps = new Rng(5).normal(0f, 1f, s, b, l);
                Tensor z = mean.add(variance.sqrt().mul(eps));
                assertWithinMonteCarlo(exact, dec.logProb(z, x).toArray(), s, b, "gaussian latents, " + kind.cliName());
            }
        }
    }

    @Test
    void bernoulliLatentsMatchMonteCarlo() {
        int b = 3, l = 5, s = 40_000;
        SplittableRandom r = new SplittableRandom(12);
        SilentDecoder dec = decoder(l, SilentLikelihood.GAUSSIAN_LEARNED, 4);
        Tensor p = uniform(r, 0.05f, 0.95f, b, l), x = uniform(r, -1, 1, b, D);
        try (var ng = GradMode.disabled()) {
            float[] exact = dec.bernoulliLatents(p, x).toArray();
            Tensor z = new Rng(6).bernoulli(p.unsqueeze(0).expand(s, b, l).contiguous());
            assertWithinMonteCarlo(exact, dec.logProb(z, x).toArray(), s, b, "bernoulli latents");
        }
    }

    /** Probabilities of {@code groups} categorical groups of k, from random logits: [b, groups k]. */
    private static Tensor groupedSoftmax(Tensor logits, int groups, int k) {
        int b = logits.dim(0);
        return logits.reshape(b, groups, k).softmax(2).reshape(b, groups * k);
    }

    /** The sum over all k^groups configurations of q(z) log p(x | W z + b), in double: the definition. */
    private static double[] enumerate(SilentDecoder dec, float[] probs, int b, int groups, int k, Tensor x) {
        int configs = (int) Math.pow(k, groups);
        double[] out = new double[b];
        float[] onehots = new float[configs * b * groups * k];
        double[] weight = new double[configs * b];
        for (int c = 0; c < configs; c++) {
            for (int row = 0; row < b; row++) {
                double q = 1;
                int rest = c;
                for (int g = 0; g < groups; g++) {
                    int cat = rest % k;
                    rest /= k;
                    q *= probs[row * groups * k + g * k + cat];
                    onehots[(c * b + row) * groups * k + g * k + cat] = 1;
                }
                weight[c * b + row] = q;
            }
        }
        try (var ng = GradMode.disabled()) {
            float[] lp = dec.logProb(Tensor.of(onehots, configs, b, groups * k), x).toArray();
            for (int c = 0; c < configs; c++) for (int row = 0; row < b; row++) out[row] += weight[c * b + row] * lp[c * b + row];
        }
        return out;
    }

    @Test
    void categoricalLatentsEqualTheSumOverEveryConfigurationAndMonteCarlo() {
        int b = 3, groups = 3, k = 4, s = 40_000;
        for (SilentLikelihood kind : SilentLikelihood.values()) {
            SplittableRandom r = new SplittableRandom(13);
            SilentDecoder dec = decoder(groups * k, kind, 5);
            Tensor x = uniform(r, -1, 1, b, D);
            try (var ng = GradMode.disabled()) {
                Tensor probs = groupedSoftmax(uniform(r, -2, 2, b, groups * k), groups, k);
                float[] exact = dec.categoricalLatents(probs, groups, x).toArray();
                double[] enumerated = enumerate(dec, probs.toArray(), b, groups, k, x);
                for (int row = 0; row < b; row++) {
                    assertEquals(enumerated[row], exact[row], 1e-4 * Math.max(1, Math.abs(enumerated[row])), kind.cliName() + " row " + row);
                }
                // and by sampling: a category per group from its probabilities
                float[] p = probs.toArray();
                float[] z = new float[s * b * groups * k];
                SplittableRandom draw = new SplittableRandom(7);
                for (int i = 0; i < s; i++) {
                    for (int row = 0; row < b; row++) {
                        for (int g = 0; g < groups; g++) {
                            double u = draw.nextDouble(), acc = 0;
                            int cat = k - 1;
                            for (int c = 0; c < k; c++) {
                                acc += p[row * groups * k + g * k + c];
                                if (u < acc) {
                                    cat = c;
                                    break;
                                }
                            }
                            z[(i * b + row) * groups * k + g * k + cat] = 1;
                        }
                    }
                }
                assertWithinMonteCarlo(exact, dec.logProb(Tensor.of(z, s, b, groups * k), x).toArray(), s, b, "categorical, " + kind.cliName());
            }
        }
    }

    @Test
    void theExpectationsGradientsMatchFiniteDifferences() {
        int b = 3, l = 4, groups = 2, k = 3;
        for (SilentLikelihood kind : SilentLikelihood.values()) {
            SplittableRandom r = new SplittableRandom(14);
            Tensor x = uniform(r, -1, 1, b, D);
            SilentDecoder g = decoder(l, kind, 6);
            Tensor mean = uniform(r, -1, 1, b, l).requiresGrad(true), logVariance = uniform(r, -1, 0.5f, b, l).requiresGrad(true);
            GradCheck.Result res = GradCheck.check(in -> g.gaussianLatents(mean, logVariance.exp(), x),
                    concat(g.parameters().toArray(new Tensor[0]), mean, logVariance));
            assertTrue(res.ok(), "gaussian latents, " + kind.cliName() + ": " + res);

            SilentDecoder bern = decoder(l, kind, 7);
            Tensor logits = uniform(r, -2, 2, b, l).requiresGrad(true);
            res = GradCheck.check(in -> bern.bernoulliLatents(logits.sigmoid(), x), concat(bern.parameters().toArray(new Tensor[0]), logits));
            assertTrue(res.ok(), "bernoulli latents, " + kind.cliName() + ": " + res);

            SilentDecoder cat = decoder(groups * k, kind, 8);
            Tensor catLogits = uniform(r, -2, 2, b, groups * k).requiresGrad(true);
            res = GradCheck.check(in -> cat.categoricalLatents(groupedSoftmax(catLogits, groups, k), groups, x),
                    concat(cat.parameters().toArray(new Tensor[0]), catLogits));
            assertTrue(res.ok(), "categorical latents, " + kind.cliName() + ": " + res);
        }
    }

    private static Tensor[] concat(Tensor[] a, Tensor... b) {
        Tensor[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theWeightFallsLinearlyFromOneToZeroAndStaysThere() {
        SilentGradientsConfig c = new SilentGradientsConfig(400);
        assertEquals(1.0, SilentGradients.exactWeight(c, 0));
        assertEquals(0.75, SilentGradients.exactWeight(c, 100));
        assertEquals(0.0025, SilentGradients.exactWeight(c, 399), 1e-12);
        assertEquals(0.0, SilentGradients.exactWeight(c, 400));
        assertEquals(0.0, SilentGradients.exactWeight(c, 1_000_000));
        assertEquals(0.0, SilentGradients.exactWeight(new SilentGradientsConfig(1), 1));
        assertThrows(IllegalArgumentException.class, () -> SilentGradients.exactWeight(c, -1));
    }

    @Test
    void thePathsKeepTheValueAndScaleTheGradient() {
        SplittableRandom r = new SplittableRandom(15);
        for (double w : new double[] {0, 0.3, 1}) {
            Tensor z = uniform(r, -3, 3, 4, 5).requiresGrad(true);
            Tensor stochastic = SilentGradients.stochasticPath(z, w);
            Tensor exact = SilentGradients.exactPath(z, w);
            assertArrayEqualsExactly(z.toArray(), stochastic.toArray(), "stochastic path's value, w = " + w);
            assertArrayEqualsExactly(z.toArray(), exact.toArray(), "exact path's value, w = " + w);
            Tensor weights = uniform(r, -1, 1, 4, 5);
            stochastic.mul(weights).sum().backward();
            float[] gs = z.grad().toArray(), wv = weights.toArray();
            for (int i = 0; i < gs.length; i++) assertEquals((1 - w) * wv[i], gs[i], 1e-6, "stochastic path's gradient, w = " + w);
            z.clearGrad();
            exact.mul(weights).sum().backward();
            float[] ge = z.grad().toArray();
            for (int i = 0; i < ge.length; i++) assertEquals(w * wv[i], ge[i], 1e-6, "exact path's gradient, w = " + w);
            z.clearGrad();
            Tensor term = SilentGradients.gradientOnly(z.square().sum());
            assertEquals(0f, term.item(), "a gradient-only term is zero in value");
            term.backward();
            float[] gz = z.grad().toArray(), zv = z.toArray();
            for (int i = 0; i < gz.length; i++) assertEquals(2 * zv[i], gz[i], 1e-5, "and has its term's gradient");
        }
    }

    private static void assertArrayEqualsExactly(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), what + " at " + i);
    }

    @Test
    void theLearnedVarianceStartsAtTheData() {
        SplittableRandom r = new SplittableRandom(16);
        Tensor rows = uniform(r, 0, 1, 500, D);
        float[] means = new float[D];
        float[] v = rows.toArray();
        for (int i = 0; i < 500; i++) for (int j = 0; j < D; j++) means[j] += v[i * D + j] / 500;
        SilentDecoder shared = decoder(2, SilentLikelihood.GAUSSIAN_SHARED, 1);
        shared.initialise(means, rows);
        // U(0, 1) has variance 1/12 in every feature
        assertEquals(Math.log(1.0 / 12), shared.logVariance().item(), 0.05);
        assertArrayEqualsExactly(means, shared.bias().toArray(), "bias at the means");
        SilentDecoder learned = decoder(2, SilentLikelihood.GAUSSIAN_LEARNED, 1);
        learned.initialise(means, rows);
        for (float lv : learned.logVariance().toArray()) assertEquals(Math.log(1.0 / 12), lv, 0.15);
        SilentDecoder fixed = decoder(2, SilentLikelihood.GAUSSIAN_FIXED, 1);
        fixed.initialise(means, rows);
        assertEquals(2 * Math.log(0.7), fixed.logVariance().item(), 1e-6, "a fixed sigma stays");
    }

    @Test
    void theConfigReadsWithDefaultsAndRefusesNonsense() {
        var back = Json.fromJson(Json.parse("{\"annealSteps\": 250}"), SilentGradientsConfig.class);
        assertEquals(new SilentGradientsConfig(250, SilentLikelihood.GAUSSIAN_SHARED, 1.0), back);
        var full = new SilentGradientsConfig(9, SilentLikelihood.GAUSSIAN_FIXED, 0.25);
        assertEquals(full, Json.fromJson(Json.parse(Json.write(Json.toJson(full))), SilentGradientsConfig.class));
        assertThrows(RuntimeException.class, () -> Json.fromJson(Json.parse("{}"), SilentGradientsConfig.class));
        assertThrows(IllegalArgumentException.class, () -> new SilentGradientsConfig(0));
        assertThrows(IllegalArgumentException.class, () -> new SilentGradientsConfig(5, SilentLikelihood.GAUSSIAN_FIXED, -1));
    }
}
