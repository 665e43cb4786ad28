package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.hvae.HierarchicalVae;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/** The evaluation's reconstruction and the diagnostics of each kind of code ({@link CodeDiagnostics}), against known answers. */
class CodeDiagnosticsTest {
    private static EvaluationReport evaluate(LatentModel model, Tensor x, EvaluationOptions options) {
        return Evaluator.evaluate(model, x, null, options.withImportanceSamples(0), ProgressListener.NONE);
    }

    private static EvaluationOptions options(int batchSize) {
        return EvaluationOptions.defaults(7).withBatchSize(batchSize);
    }

    private static GaussianDiagnostics diagnose(TableModel model, Tensor x, int batchSize) {
        return (GaussianDiagnostics) evaluate(model, x, options(batchSize)).latent();
    }

    @Test
    void klPerDimensionAndReconstructionMatchHandComputedValues() {
        double ln2 = Math.log(2), lnHalf = Math.log(0.5);
        Tensor x = TableModel.rows(new double[][] {{1, 0, 0.5}, {-1, 0, 0}}, new double[][] {{0, lnHalf, ln2}, {0, lnHalf, 0}});
        EvaluationReport r = evaluate(new TableModel(3), x, options(1));
        GaussianDiagnostics d = (GaussianDiagnostics) r.latent();
        // dim 0: 0.5 (1 + 1 - 0 - 1) = 0.5 for both rows
        // dim 1: 0.5 (0 + 0.5 - ln 0.5 - 1) = 0.0965736 for both rows
        // dim 2: row 0 0.5 (0.25 + 2 - ln 2 - 1) = 0.2784264, row 1 0 -> mean 0.1392132
        assertArrayEquals(new double[] {0.5, 0.0965736, 0.1392132}, d.klPerDimension(), 1e-6);
        assertEquals(0.7357868, d.totalKl(), 1e-6);
        // decoded mean [mu, 0] against x = [mu, logVar]: squared error = sum logVar^2
        double se0 = lnHalf * lnHalf + ln2 * ln2, se1 = lnHalf * lnHalf;
        assertEquals((se0 + se1) / 2, r.reconstruction().squaredError().mean(), 1e-6);
        // unit-variance Gaussian over 6 features: -log p = 0.5 (6 log 2pi + squared error)
        double nll0 = 0.5 * (6 * Math.log(2 * Math.PI) + se0), nll1 = 0.5 * (6 * Math.log(2 * Math.PI) + se1);
        assertEquals((nll0 + nll1) / 2, r.reconstruction().nll().mean(), 1e-5);
        assertEquals(Math.abs(nll0 - nll1) / 2, r.reconstruction().nll().standardError(), 1e-5); // sd/sqrt(2) of two values
        // the data's squared deviations from their column means: features [mu, logVar] of two rows
        double total = 0;
        float[] v = x.toArray();
        for (int j = 0; j < 6; j++) total += 0.5 * Math.pow(v[j] - v[6 + j], 2);
        assertEquals((se0 + se1) / total, r.reconstruction().fractionOfVarianceUnexplained(), 1e-6);
    }

    @Test
    void activeUnitsAreTheEncoderMeansWithVarianceAboveTheThreshold() {
        double[] scale = {1, 0.05, 0, 2, 0.11};
        int n = 200;
        double[][] mean = new double[n][5], logVar = new double[n][5];
        for (int i = 0; i < n; i++) {
            double t = i % 2 == 0 ? 1 : -1; // population variance exactly 1
            for (int u = 0; u < 5; u++) mean[i][u] = scale[u] * t + 0.3;
        }
        GaussianDiagnostics d = diagnose(new TableModel(5), TableModel.rows(mean, logVar), 64);
        assertArrayEquals(new double[] {1, 0.0025, 0, 4, 0.0121}, d.activeUnits().activity(), 1e-6);
        assertArrayEquals(new int[] {0, 3, 4}, d.activeUnits().activeDimensions());
        assertEquals(3, d.activeUnits().count());
    }

    /** I(x; z) for x uniform on {0, 1, 2, 3} and q(z|x) = N(a x, s^2): H(z) by quadrature minus H(z|x). */
    private static double exactMutualInformation(double a, double s, int points) {
        double lo = -8 * s, hi = a * (points - 1) + 8 * s, h = 1e-4;
        double entropy = 0;
        for (double z = lo; z <= hi; z += h) {
            double p = 0;
            for (int k = 0; k < points; k++) {
                double d = (z - a * k) / s;
                p += Math.exp(-0.5 * d * d) / (s * Math.sqrt(2 * Math.PI)) / points;
            }
            if (p > 0) entropy -= p * Math.log(p) * h;
        }
        return entropy - 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
    }

    @Test
    void mutualInformationMatchesNumericalIntegration() {
        double a = 1, s = 0.5;
        int n = 4000;
        double[][] mean = new double[n][2], logVar = new double[n][2];
        for (int i = 0; i < n; i++) {
            mean[i][0] = a * (i % 4);
            logVar[i][0] = Math.log(s * s);
            // dimension 1 is the prior for every x: it must add nothing
        }
        double exact = exactMutualInformation(a, s, 4);
        assertTrue(exact > 0.5 && exact < Math.log(4), "a case between independence and full information: " + exact);
        GaussianDiagnostics d = diagnose(new TableModel(2), TableModel.rows(mean, logVar), 256);
        MutualInformation mi = d.mutualInformation();
        assertEquals(exact, mi.nats(), 0.03);
        assertEquals(n, mi.examples());
        assertEquals(Math.log(n), mi.upperBound(), 1e-12);
        // E_x KL(q(z|x) || N(0,1)) for dimension 0: 0.5 (mean of (a x)^2 + s^2 - log s^2 - 1)
        double meanKl = 0.5 * ((0 + 1 + 4 + 9) / 4.0 + s * s - Math.log(s * s) - 1);
        assertEquals(meanKl, mi.meanKl(), 1e-5);
        assertEquals(mi.meanKl() - mi.nats(), mi.aggregateKl(), 1e-12);

        GaussianDiagnostics capped = (GaussianDiagnostics) evaluate(new TableModel(2), TableModel.rows(mean, logVar),
                options(256).withMutualInformationExamples(100)).latent();
        assertEquals(100, capped.mutualInformation().examples());
        assertEquals(n, capped.mutualInformation().availableExamples());
    }

    @Test
    void mutualInformationOfSeparatedPosteriorsIsTheLogOfTheExampleCount() {
        int n = 64;
        double[][] mean = new double[n][1], logVar = new double[n][1];
        for (int i = 0; i < n; i++) mean[i][0] = 100.0 * i;
        MutualInformation mi = diagnose(new TableModel(1), TableModel.rows(mean, logVar), 10).mutualInformation();
        assertTrue(mi.nats() <= Math.log(n));
        assertEquals(Math.log(n), mi.nats(), 1e-9, "a mixture of M posteriors can tell at most log M nats");
    }

    @Test
    void mutualInformationIsTheSameForOneAndTwoThreads() {
        int n = 700;
        double[][] mean = new double[n][3], logVar = new double[n][3];
        for (int i = 0; i < n; i++) for (int u = 0; u < 3; u++) mean[i][u] = Math.sin(i * (u + 1));
        Tensor x = TableModel.rows(mean, logVar);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double one = diagnose(new TableModel(3), x, 50).mutualInformation().nats();
            Parallel.setThreads(2);
            double two = diagnose(new TableModel(3), x, 300).mutualInformation().nats();
            assertEquals(one, two, 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void collapseReportNamesExactlyTheCollapsedDimensions() {
        int n = 300;
        double[][] mean = new double[n][6], logVar = new double[n][6];
        for (int i = 0; i < n; i++) {
            double t = i % 2 == 0 ? 1 : -1;
            mean[i][0] = 1.5 * t;
            mean[i][1] = 0;                       // the prior exactly: collapsed
            mean[i][2] = 0.2;                     // constant mean ...
            logVar[i][2] = Math.log(0.1);         // ... but a shrunk variance: inactive, KL 0.70, not collapsed
            mean[i][3] = 0.8 * t;
            logVar[i][3] = Math.log(0.3);
            mean[i][4] = 0.05 * t;                // A = 0.0025, KL = 0.00125: collapsed though not exactly the prior
            mean[i][5] = Math.cos(i);
        }
        GaussianDiagnostics d = diagnose(new TableModel(6), TableModel.rows(mean, logVar), 128);
        PosteriorCollapse c = d.collapse();
        assertArrayEquals(new int[] {1, 4}, c.collapsedDimensions());
        assertArrayEquals(new int[] {2}, c.inactiveDimensions());
        assertTrue(c.summary().startsWith("2 of 6 latent dimensions have collapsed"), c.summary());
        assertTrue(c.summary().contains(": 1, 4."), c.summary());
        assertTrue(c.summary().contains("Dimension 2 is inactive"), c.summary());
        assertArrayEquals(new int[] {0, 3, 5}, d.activeUnits().activeDimensions());
    }

    /**
     * A hierarchical model whose q(z2|z1) is built by hand (no hidden layer in it, so it is affine in z1):
     * z2 dimension 0 is N(0, 1) for every z1, the prior; dimension 1 is N(0.5, 0.5^2) for every z1; dimension 2
     * is N(1.5 z1_0, 1), which follows the data through z1.
     */
    static HierarchicalVae hierarchicalWithAQuietTopLayer() {
        HierarchicalVae m = new HierarchicalVae(HierarchicalVaeConfig.of(6).withSizes(4, 3, List.of(8), List.of()), new Rng(3));
        float[] w = new float[4 * 6]; // [z1 (4), mean (3) then log std (3)]
        w[2] = 1.5f;                  // z1_0 -> mean of dimension 2
        m.namedParameters().get("encoder2.net.0.weight").copyFrom(Tensor.of(w, 4, 6).t()); // the weight is [out, in]
        m.namedParameters().get("encoder2.net.0.bias").copyFrom(Tensor.vector(0, 0.5f, 0, 0, (float) Math.log(0.5), 0));
        return m;
    }

    static final Tensor BINARY = new Rng(4).bernoulli(Tensor.full(0.5f, 400, 6));

    @Test
    void hierarchicalModelsAreDiagnosedOnTheirTopLayerWhosePriorIsStandardNormal() {
        HierarchicalVae m = hierarchicalWithAQuietTopLayer();
        EvaluationReport r = evaluate(m, BINARY, EvaluationOptions.defaults(9));
        GaussianDiagnostics d = (GaussianDiagnostics) r.latent();
        assertEquals("z2", d.layer().name());
        assertEquals(3, d.activeUnits().dimensions());
        double[] kl = d.klPerDimension(), activity = d.activeUnits().activity();
        assertEquals(3, kl.length);
        assertEquals(0, kl[0], 1e-7, "q(z2_0|z1) is the prior");
        assertEquals(0.5 * (0.25 + 0.25 - Math.log(0.25) - 1), kl[1], 1e-6, "KL(N(0.5, 0.25) || N(0, 1))");
        assertEquals(0, activity[0], 1e-12);
        assertEquals(0, activity[1], 1e-12);
        assertTrue(activity[2] > 0.1, "dimension 2 follows z1: " + activity[2]);
        // dimension 2 has unit variance: its KL is half the mean square of its means, at least half their variance
        assertTrue(kl[2] >= 0.5 * activity[2], kl[2] + " vs " + activity[2]);
        assertArrayEquals(new int[] {0}, d.collapse().collapsedDimensions());
        assertArrayEquals(new int[] {1}, d.collapse().inactiveDimensions());
        assertArrayEquals(new int[] {2}, d.activeUnits().activeDimensions());
        // the mutual information is of the same layer: its E_x KL over all 400 examples is the total above
        // (the same float KLs summed in another order: equal to well within float precision)
        assertEquals(d.totalKl(), d.mutualInformation().meanKl(), 1e-7 * d.totalKl());
        // the reconstruction still decodes z1 at its posterior mean
        var q1 = m.encode(BINARY, null);
        double nll = -m.likelihood().logProb(m.decode(q1.vector(), null), BINARY).mean().item();
        assertEquals(nll, r.reconstruction().nll().mean(), 1e-4 * Math.abs(nll));
    }

    @Test
    void noCollapseIsSaidPlainly() {
        PosteriorCollapse c = PosteriorCollapse.of(new double[] {0.5, 1.0}, new double[] {0.3, 0.9}, 0.01, 0.01);
        assertEquals(0, c.collapsedDimensions().length);
        assertTrue(c.summary().startsWith("No posterior collapse"), c.summary());
        PosteriorCollapse all = PosteriorCollapse.of(new double[] {0.001, 0.0}, new double[] {0.0, 0.001}, 0.01, 0.01);
        assertArrayEquals(new int[] {0, 1}, all.collapsedDimensions());
        assertTrue(all.summary().startsWith("Full posterior collapse"), all.summary());
    }

    @Test
    void deterministicCodesGetActivityOnly() {
        Tensor x = Tensor.of(new float[] {1, 0, 3, 0}, 2, 2);
        EvaluationReport r = evaluate(TableModel.deterministic(1), x, options(2));
        CodeActivity a = (CodeActivity) r.latent();
        assertEquals("deterministic", a.code());
        assertArrayEquals(new double[] {1.0}, a.activeUnits().activity(), 1e-12, "codes 1 and 3 vary by 1 around 2");
        assertEquals(1, a.activeUnits().count());
        assertTrue(r.summary().contains("Active units 1/1 (deterministic codes"), r.summary());
    }

    @Test
    void discreteCodesGetCodebookUsagePerplexityAndDeadCodes() {
        // 8 rows, 2 positions, 2 stages of 4 codes: stage 0 uses codes 0 and 1 equally, stage 1 uses code 3 only
        int rows = 8;
        int[] idx = new int[rows * 2 * 2];
        for (int i = 0; i < rows * 2; i++) {
            idx[2 * i] = i % 2;
            idx[2 * i + 1] = 3;
        }
        Tensor x = TableModel.rowNumbers(rows, 4);
        EvaluationReport r = evaluate(TableModel.withCode(2, (b, first) -> new LatentCode.Discrete(Tensor.zeros(b, 2),
                java.util.Arrays.copyOfRange(idx, first * 4, (first + b) * 4), 2, 2, new int[] {4, 4})), x, options(3));
        CodebookDiagnostics c = (CodebookDiagnostics) r.latent();
        CodebookUsage s0 = c.stages().get(0), s1 = c.stages().get(1);
        assertEquals(2, s0.used());
        assertEquals(0.5, s0.usage(), 1e-12);
        assertEquals(2.0, s0.perplexity(), 1e-12, "two codes used equally: exp(ln 2)");
        assertEquals(2, s0.deadCodes(), "codes 2 and 3 are never used");
        assertArrayEquals(new long[] {8, 8, 0, 0}, s0.counts());
        assertEquals(1, s1.used());
        assertEquals(1.0, s1.perplexity(), 1e-12);
        assertEquals(3, s1.deadCodes());
        assertEquals(2 * (2 + 2), c.bitsPerInput(), 1e-12, "2 positions of 2 stages of 2 bits");
        assertEquals(2 * (1 + 0), c.entropyBitsPerInput(), 1e-12);
        assertTrue(r.summary().contains("Codebook stage 0: 2/4 codes used (50.0%), perplexity 2.0, 2 dead"), r.summary());
    }

    @Test
    void sparseCodesGetL0DeadLatentsAndTheDensityHistogram() {
        // 10 rows, k = 2 of 5 latents: latent 0 fires in every row, latent 1 in rows 0-4 (one value is 0 in row 5: not a firing),
        // latent 4 in row 9 only, latents 2 and 3 never
        int rows = 10;
        int[] idx = new int[rows * 2];
        float[] val = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            idx[2 * i] = 0;
            val[2 * i] = 1f;
            idx[2 * i + 1] = i < 6 ? 1 : i == 9 ? 4 : 0;
            val[2 * i + 1] = i == 5 ? 0f : 0.5f;
        }
        Tensor x = TableModel.rowNumbers(rows, 10);
        EvaluationReport r = evaluate(TableModel.withCode(5, (b, first) -> new LatentCode.Sparse(java.util.Arrays.copyOfRange(idx, first * 2, (first + b) * 2),
                Tensor.of(java.util.Arrays.copyOfRange(val, first * 2, (first + b) * 2), b, 2), 5)), x, options(4));
        SparseCodeDiagnostics d = (SparseCodeDiagnostics) r.latent();
        // rows 6-8 list latent 0 twice: it fires once there
        assertEquals((10 + 5 + 1) / 10.0, d.l0(), 1e-12);
        assertEquals(2, d.deadLatents());
        assertArrayEquals(new double[] {1.0, 0.5, 0, 0, 0.1}, d.density(), 1e-12);
        int[] h = d.densityHistogram();
        assertEquals(2, h[0], "two latents never fire");
        assertEquals(3, h[SparseCodeDiagnostics.BINS - 1], "densities 1.0, 0.5 and 0.1 are in [0.1, 1]");
        assertEquals(5, java.util.Arrays.stream(h).sum());
        assertEquals(1, SparseCodeDiagnostics.bin(1e-10));
        assertEquals(SparseCodeDiagnostics.BINS - 2, SparseCodeDiagnostics.bin(0.05));
    }
}
