package org.latent4j.core.divergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The shared divergences against an independent computation (numpy, divergence_reference.py beside this test's
 * resources), known cases worked by hand, the statistics' expectations, and finite differences.
 */
class DivergenceTest {
    private static final int D = 3;

    /** The fixed inputs of divergence_reference.py. */
    private static Tensor xPoints(int n) {
        float[] v = new float[n * D];
        for (int i = 0; i < n; i++) for (int j = 0; j < D; j++) v[i * D + j] = (float) Math.sin(1.3 * i + 0.7 * j + 0.1);
        return Tensor.of(v, n, D);
    }

    private static Tensor yPoints(int n) {
        float[] v = new float[n * D];
        for (int i = 0; i < n; i++) for (int j = 0; j < D; j++) v[i * D + j] = (float) (1.5 * Math.cos(0.9 * i - 0.4 * j) + 0.2);
        return Tensor.of(v, n, D);
    }

    private static Tensor directions(int count) {
        float[] v = new float[count * D];
        for (int l = 0; l < count; l++) {
            double norm = 0;
            double[] r = new double[D];
            for (int j = 0; j < D; j++) {
                r[j] = Math.sin(2.1 * l + 1.7 * j + 0.3) + 0.5;
                norm += r[j] * r[j];
            }
            for (int j = 0; j < D; j++) v[l * D + j] = (float) (r[j] / Math.sqrt(norm));
        }
        return Tensor.of(v, count, D);
    }

    @Test
    void mmdMatchesNumpy() {
        // divergence_reference.py's output
        assertEquals(-1.195153733621e-01, KernelMmd.forStandardNormal(MmdKernel.IMQ, D).between(xPoints(7), yPoints(5)).item(), 2e-6);
        assertEquals(-1.184935251893e-01, KernelMmd.forStandardNormal(MmdKernel.RBF, D).between(xPoints(7), yPoints(5)).item(), 2e-6);
    }

    @Test
    void slicedWassersteinMatchesNumpy() {
        assertEquals(2.313133138054e-01, SlicedWasserstein.squared(xPoints(7), yPoints(7), directions(4)).item(), 2e-6);
    }

    /** In 1-D the distance is the mean squared difference of the sorted samples, whichever way the line points. */
    @Test
    void slicedWassersteinIn1dIsTheSortedMatching() {
        Tensor x = Tensor.of(new float[] {3, -1, 2}, 3, 1), y = Tensor.of(new float[] {0, 5, 1}, 3, 1);
        // sorted: (-1, 2, 3) against (0, 1, 5): differences -1, 1, -2, squares 1, 1, 4, mean 2
        assertEquals(2.0, SlicedWasserstein.squared(x, y, Tensor.of(new float[] {1}, 1, 1)).item(), 1e-6);
        assertEquals(2.0, SlicedWasserstein.squared(x, y, Tensor.of(new float[] {-1}, 1, 1)).item(), 1e-6);
        assertEquals(0.0, SlicedWasserstein.squared(x, Tensor.of(new float[] {2, 3, -1}, 3, 1), Tensor.of(new float[] {1}, 1, 1)).item(), 0.0,
                "a permutation of the same points");
    }

    @Test
    void directionsAreUnitVectors() {
        float[] v = SlicedWasserstein.directions(new Rng(3), 50, 4).toArray();
        for (int l = 0; l < 50; l++) {
            double n = 0;
            for (int j = 0; j < 4; j++) n += v[l * 4 + j] * v[l * 4 + j];
            assertEquals(1.0, n, 1e-5);
        }
    }

    /**
     * The U-statistic is unbiased: over 400 pairs of samples of one distribution its mean is 0 within 4 standard errors,
     * while for N(0, I) against N(0.5, I) it is clearly positive.
     */
    @Test
    void mmdOfOneDistributionIsZeroInExpectation() {
        Rng rng = new Rng(11);
        KernelMmd mmd = KernelMmd.forStandardNormal(MmdKernel.IMQ, 2);
        int pairs = 400;
        double s = 0, s2 = 0, shifted = 0;
        for (int p = 0; p < pairs; p++) {
            double v = mmd.between(rng.normal(0f, 1f, 16, 2), rng.normal(0f, 1f, 16, 2)).item();
            s += v;
            s2 += v * v;
            shifted += mmd.between(rng.normal(0f, 1f, 16, 2), rng.normal(0.5f, 1f, 16, 2)).item();
        }
        double mean = s / pairs, se = Math.sqrt((s2 / pairs - mean * mean) / pairs);
        assertTrue(Math.abs(mean) < 4 * se, "mean " + mean + " standard error " + se);
        shifted /= pairs;
        assertTrue(shifted > 10 * se, "shifted " + shifted + " standard error " + se);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(0f, 1f, 6, D).requiresGrad(true), y = rng.normal(0.3f, 1.2f, 5, D).requiresGrad(true);
        for (MmdKernel k : MmdKernel.values()) {
            GradCheck.Result r = GradCheck.check(in -> KernelMmd.forStandardNormal(k, D).between(in[0], in[1]), x, y);
            assertTrue(r.ok(), k + ": " + r);
        }
        Tensor y6 = rng.normal(0.3f, 1.2f, 6, D).requiresGrad(true);
        Tensor dirs = SlicedWasserstein.directions(rng, 5, D);
        GradCheck.Result sw = GradCheck.check(GradCheck.Settings.DEFAULT.withStep(1.0 / 4096), in -> SlicedWasserstein.squared(in[0], in[1], dirs), x, y6);
        assertTrue(sw.ok(), "sliced Wasserstein: " + sw);
    }

    /** The points with the unscented transform's weights reproduce the mean and the covariance exactly. */
    @Test
    void sigmaPointsReproduceTheMeanAndCovariance() {
        Rng rng = new Rng(7);
        int b = 3, d = 4;
        DiagonalGaussian q = new DiagonalGaussian(rng.normal(0f, 2f, b, d), rng.normal(0f, 1f, b, d));
        float[] mu = q.mean().toArray(), lv = q.logVar().toArray();
        for (double lambda : new double[] {SigmaPoints.PAPER_LAMBDA, 2.0, -1.5}) {
            float[] chi = SigmaPoints.all(q, lambda).toArray();
            double[] w = SigmaPoints.weights(d, lambda);
            assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-12);
            assertEquals(2 * d + 1, w.length);
            for (int r = 0; r < b; r++) {
                double[] mean = new double[d];
                double[][] cov = new double[d][d];
                for (int p = 0; p < w.length; p++) for (int j = 0; j < d; j++) mean[j] += w[p] * chi[(p * b + r) * d + j];
                for (int p = 0; p < w.length; p++) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            cov[i][j] += w[p] * (chi[(p * b + r) * d + i] - mu[r * d + i]) * (chi[(p * b + r) * d + j] - mu[r * d + j]);
                        }
                    }
                }
                for (int i = 0; i < d; i++) {
                    assertEquals(mu[r * d + i], mean[i], 1e-5 * (1 + Math.abs(mu[r * d + i])), "mean, lambda " + lambda);
                    for (int j = 0; j < d; j++) {
                        double expected = i == j ? Math.exp(lv[r * d + i]) : 0;
                        assertEquals(expected, cov[i][j], 1e-5 * (1 + expected), "covariance " + i + "," + j + ", lambda " + lambda);
                    }
                }
            }
        }
    }

    @Test
    void selectedSigmaPointsAreThePointsAndDifferentiable() {
        Rng rng = new Rng(9);
        int b = 2, d = 3;
        Tensor mean = rng.normal(0f, 1f, b, d).requiresGrad(true), logVar = rng.normal(0f, 0.5f, b, d).requiresGrad(true);
        DiagonalGaussian q = new DiagonalGaussian(mean, logVar);
        Tensor all = SigmaPoints.all(q, 0.5);
        int[] choice = {0, 4, 3, 6}; // sample 0: mean of row 0, "-" point of dim 0 for row 1; sample 1: "+" of dim 2, "-" of dim 2
        float[] sel = SigmaPoints.select(q, choice, 2, 0.5).toArray(), a = all.toArray();
        for (int i = 0; i < choice.length; i++) {
            int r = i % b;
            for (int j = 0; j < d; j++) assertEquals(a[(choice[i] * b + r) * d + j], sel[i * d + j], 0f);
        }
        float[] m = mean.toArray(), s = logVar.mul(0.5f).exp().toArray();
        assertEquals(m[3] - Math.sqrt(3.5) * s[3], sel[3], 1e-5, "row 1's '-' point of dimension 0");
        int[] counts = new int[2 * d + 1];
        for (int c : SigmaPoints.randomChoice(new Rng(1), 7000, 1, d)) counts[c]++;
        for (int c : counts) assertEquals(1000, c, 150, "uniform over the 2d + 1 points: " + java.util.Arrays.toString(counts));
        GradCheck.Result r = GradCheck.check(in -> SigmaPoints.select(new DiagonalGaussian(in[0], in[1]), choice, 2, 0.5), mean, logVar);
        assertTrue(r.ok(), r.toString());
        assertThrows(IllegalArgumentException.class, () -> SigmaPoints.select(q, new int[] {7, 0}, 1, 0.5));
    }

    @Test
    void vicRegTermsHaveTheirKnownValues() {
        // column 0 constant (std 0: hinge 1 - sqrt(1e-4) = 0.99), column 1 values 0 and 2 (unbiased variance 2: no hinge)
        Tensor z = Tensor.of(new float[] {0, 0, 0, 2}, 2, 2);
        assertEquals(0.99 / 2, VicRegTerms.variance(z, VicRegTerms.GAMMA, VicRegTerms.EPS).item(), 1e-6);
        assertEquals(0.0, VicRegTerms.covariance(z).item(), 1e-7);
        // two identical columns with variance 2: covariance 2 off the diagonal twice, (4 + 4) / d = 4
        Tensor same = Tensor.of(new float[] {1, 1, -1, -1}, 2, 2);
        assertEquals(4.0, VicRegTerms.covariance(same).item(), 1e-5);
        Tensor w = new Rng(4).normal(0f, 0.6f, 7, 3).requiresGrad(true);
        GradCheck.Result v = GradCheck.check(in -> VicRegTerms.variance(in[0], 1, 1e-4), w);
        assertTrue(v.ok(), "variance: " + v);
        GradCheck.Result c = GradCheck.check(in -> VicRegTerms.covariance(in[0]), w);
        assertTrue(c.ok(), "covariance: " + c);
    }
}
