package org.latent4j.core.model.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.divergence.KernelMmd;
import org.latent4j.core.divergence.MmdKernel;
import org.latent4j.core.divergence.SlicedWasserstein;
import org.latent4j.core.divergence.VicRegTerms;
import org.latent4j.core.eval.EvaluationOptions;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.Evaluator;
import org.latent4j.core.eval.RelevanceDiagnostics;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/** The objectives beyond the KL: each loss against its definition, its gradients against finite differences, and ARD's report. */
class ObjectiveModelsTest {
    private static final int D = 6, L = 3;
    private static final TrainingProgress PROGRESS = new TrainingProgress(1, 10, 10);

    /** Binary rows: three prototypes with 10% of the pixels flipped. */
    private static Tensor binary(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] protos = new float[3][D];
        for (float[] p : protos) for (int j = 0; j < D; j++) p[j] = r.nextBoolean() ? 1f : 0f;
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) for (int j = 0; j < D; j++) x[i * D + j] = r.nextDouble() < 0.1 ? 1 - protos[i % 3][j] : protos[i % 3][j];
        return Tensor.of(x, n, D);
    }

    private static AutoencoderConfig ae() {
        return AutoencoderConfig.of(D, L).withHidden(List.of(5)).withActivation(Activation.TANH);
    }

    private static VaeConfig vae() {
        return VaeConfig.of(D, L).withHidden(List.of(5)).withActivation(Activation.TANH);
    }

    private static void assertGradients(LatentModel m, Batch b, long seed) {
        GradCheck.Result r;
        try (Surrogate.Freeze frozen = Surrogate.freeze()) {
            r = GradCheck.check(in -> {
                frozen.evaluation();
                return m.loss(b, PROGRESS, new Rng(seed)).loss();
            }, m.parameters().toArray(new Tensor[0]));
        }
        assertTrue(r.ok(), m.kind() + ": " + r);
    }

    /** Variants the contract test's defaults leave out: another kernel, KL and MMD together, all sigma points, k > 1, VICReg. */
    @Test
    void everyVariantsGradientMatchesFiniteDifferences() {
        Batch b = Batch.of(binary(6, 1));
        Rng init = new Rng(2);
        assertGradients(new Wae(new WaeConfig(ae(), 3, MmdKernel.RBF, List.of(0.5, 2.0)), init), b, 3);
        assertGradients(new Swae(new SwaeConfig(ae(), 2, 7), init), b, 4);
        assertGradients(new InfoVae(new InfoVaeConfig(vae().withSamples(2), 0.5, 20, MmdKernel.IMQ, KernelMmd.WAE_SCALES), init), b, 5);
        assertGradients(new UnscentedAutoencoder(new UnscentedAeConfig(vae().withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED), 0.7, 0, 0.5), init), b, 6);
        assertGradients(new UnscentedAutoencoder(new UnscentedAeConfig(vae(), 1, 3, 1e-3), init), b, 7);
        assertGradients(new ArdVae(new ArdVaeConfig(vae().withSamples(2), 0.9, 0.01), init), b, 8);
        assertGradients(new Autoencoder(ae().withVicReg(2, 0.5), init), b, 9);
    }

    /** The penalties are the shared divergences of the codes and the draws the step's random numbers give, weighed. */
    @Test
    void wassersteinPenaltiesAreTheirDivergences() {
        Tensor x = binary(8, 3);
        Batch b = Batch.of(x);
        Wae wae = new Wae(WaeConfig.of(ae()), new Rng(4));
        LossResult r = wae.loss(b, PROGRESS, new Rng(5));
        Tensor codes = wae.encode(x, null).vector();
        double mmd = KernelMmd.forStandardNormal(MmdKernel.IMQ, L).between(codes, new Rng(5).normal(0f, 1f, 8, L)).item();
        assertEquals(10 * mmd, r.regularization().item(), 1e-5 * Math.max(1, Math.abs(10 * mmd)));
        assertEquals(mmd, r.metrics().get("mmd"), 1e-6);

        Swae swae = new Swae(SwaeConfig.of(ae()), new Rng(4));
        r = swae.loss(b, PROGRESS, new Rng(6));
        Rng draws = new Rng(6);
        Tensor directions = SlicedWasserstein.directions(draws, 50, L);
        double sw = SlicedWasserstein.squared(swae.encode(x, null).vector(), draws.normal(0f, 1f, 8, L), directions).item();
        assertEquals(10 * sw, r.regularization().item(), 1e-5 * Math.max(1, 10 * sw));
    }

    /** VICReg's terms, weighed, are the ae's regulariser; without them the loss is the reconstruction alone, as before. */
    @Test
    void vicRegTermsAreTheAesRegulariser() {
        Tensor x = binary(8, 4);
        Autoencoder plain = new Autoencoder(ae(), new Rng(1));
        LossResult p = plain.loss(Batch.of(x), PROGRESS, new Rng(2));
        assertEquals(p.reconstruction().item(), p.loss().item(), 0f);
        assertEquals(0f, p.regularization().item());
        assertTrue(p.metrics().isEmpty());
        Autoencoder v = new Autoencoder(ae().withVicReg(2, 0.5), new Rng(1));
        LossResult r = v.loss(Batch.of(x), PROGRESS, new Rng(2));
        Tensor z = v.encode(x, null).vector();
        double expected = 2 * VicRegTerms.variance(z, 1, 1e-4).item() + 0.5 * VicRegTerms.covariance(z).item();
        assertEquals(expected, r.regularization().item(), 1e-5);
        assertEquals(p.reconstruction().item(), r.reconstruction().item(), 1e-6, "same weights, same reconstruction");
    }

    /**
     * VICReg's terms do what they are for, on an 8-wide code of three noisy prototypes (seeded, deterministic): a plain
     * ae leaves its least-spread dimension below the target std gamma = 1, the variance term lifts every dimension to
     * it, and the covariance term with it cuts the largest correlation between two dimensions.
     */
    @Test
    void vicRegSpreadsAndDecorrelatesTheCodes() {
        Tensor x = binary(60, 8);
        AutoencoderConfig c = AutoencoderConfig.of(D, 8).withHidden(List.of(16)).withActivation(Activation.TANH);
        double[] plain = codeStats(train(new Autoencoder(c, new Rng(1)), x), x);
        double[] spread = codeStats(train(new Autoencoder(c.withVicReg(10, 0), new Rng(1)), x), x);
        double[] both = codeStats(train(new Autoencoder(c.withVicReg(10, 1), new Rng(1)), x), x);
        String all = "plain " + java.util.Arrays.toString(plain) + ", variance " + java.util.Arrays.toString(spread) + ", both "
                + java.util.Arrays.toString(both) + " (smallest std, largest |correlation|)";
        assertTrue(plain[0] < 0.95 && spread[0] > 0.97 && both[0] > 0.97, all);
        assertTrue(both[1] < plain[1] - 0.15 && both[1] < spread[1] - 0.15, all);
    }

    private static Autoencoder train(Autoencoder m, Tensor x) {
        Adam adam = new Adam(m.parameters(), AdamOptions.DEFAULTS.withLearningRate(1e-2));
        Rng rng = new Rng(2);
        for (int s = 0; s < 300; s++) {
            adam.zeroGrad();
            m.loss(Batch.of(x), PROGRESS, rng).loss().backward();
            adam.step();
        }
        return m;
    }

    /** The smallest standard deviation of a code dimension over x, and the largest |correlation| between two dimensions. */
    private static double[] codeStats(Autoencoder m, Tensor x) {
        float[] z;
        try (var noGrad = GradMode.disabled()) {
            z = m.encode(x, null).vector().contiguous().toArray();
        }
        int n = x.dim(0), d = z.length / n;
        double[] mean = new double[d], sd = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += z[i * d + j] / n;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sd[j] += Math.pow(z[i * d + j] - mean[j], 2) / (n - 1);
        double minSd = Double.MAX_VALUE, maxCorr = 0;
        for (int j = 0; j < d; j++) minSd = Math.min(minSd, Math.sqrt(sd[j]));
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                double cov = 0;
                for (int i = 0; i < n; i++) cov += (z[i * d + a] - mean[a]) * (z[i * d + b] - mean[b]) / (n - 1);
                maxCorr = Math.max(maxCorr, Math.abs(cov / Math.sqrt(sd[a] * sd[b])));
            }
        }
        return new double[] {minSd, maxCorr};
    }

    /** With alpha = 0 and lambda = 1 InfoVAE's objective is the ELBO: the loss equals the VAE's on the same draws. */
    @Test
    void infoVaeWithAlpha0AndLambda1IsTheVae() {
        Tensor x = binary(7, 5);
        VaeConfig c = vae().withSamples(3);
        InfoVae info = new InfoVae(new InfoVaeConfig(c, 0, 1, MmdKernel.IMQ, KernelMmd.WAE_SCALES), new Rng(1));
        Vae vae = new Vae(c, new Rng(1));
        assertEquals(vae.loss(Batch.of(x), PROGRESS, new Rng(3)).loss().item(), info.loss(Batch.of(x), PROGRESS, new Rng(3)).loss().item(), 1e-4);
        // the MMD-VAE (the default) has no KL term: its regulariser is lambda times the MMD of the draws
        InfoVae mmdVae = new InfoVae(InfoVaeConfig.of(c), new Rng(1));
        LossResult r = mmdVae.loss(Batch.of(x), PROGRESS, new Rng(4));
        assertEquals(1000 * r.metrics().get("mmd"), r.regularization().item(), 1e-3 * Math.max(1, Math.abs(r.regularization().item())));
        assertThrows(IllegalArgumentException.class, () -> new InfoVaeConfig(c, 1.5, 10, MmdKernel.IMQ, KernelMmd.WAE_SCALES));
        assertThrows(IllegalArgumentException.class, () -> new InfoVaeConfig(c, 0.2, 0.5, MmdKernel.IMQ, KernelMmd.WAE_SCALES));
    }

    /** The regulariser is the mean of ||mu|| + ||sigma - 1||; with every sigma point the loss has no randomness. */
    @Test
    void unscentedRegulariserAndDeterministicTransform() {
        Tensor x = binary(5, 6);
        UnscentedAutoencoder all = new UnscentedAutoencoder(new UnscentedAeConfig(vae(), 2, UnscentedAeConfig.ALL_POINTS, 1e-3), new Rng(1));
        LossResult a = all.loss(Batch.of(x), PROGRESS, new Rng(2));
        assertEquals(a.loss().item(), all.loss(Batch.of(x), PROGRESS, new Rng(99)).loss().item(), 0f, "no random draw");
        DiagonalGaussian q = all.posterior(x, null);
        float[] mu = q.mean().toArray(), lv = q.logVar().toArray();
        double w = 0;
        for (int r = 0; r < 5; r++) {
            double m2 = 0, s2 = 0;
            for (int j = 0; j < L; j++) {
                m2 += mu[r * L + j] * mu[r * L + j];
                double s = Math.exp(0.5 * lv[r * L + j]) - 1;
                s2 += s * s;
            }
            w += (Math.sqrt(m2) + Math.sqrt(s2)) / 5;
        }
        assertEquals(w, a.metrics().get("wasserstein"), 1e-5);
        assertEquals(2 * w, a.regularization().item(), 1e-5);
    }

    /** The closed-form variances minimise the batch's KL: scaling any of them up or down raises it. */
    @Test
    void ardsFittedVariancesMinimiseTheKl() {
        Rng rng = new Rng(3);
        DiagonalGaussian q = new DiagonalGaussian(rng.normal(0f, 2f, 9, 4), rng.normal(-1f, 0.5f, 9, 4));
        Tensor alpha = ArdVae.fittedVariances(q);
        double best = ArdVae.klToPrior(q, alpha).mean().item();
        for (int j = 0; j < 4; j++) {
            for (float f : new float[] {0.9f, 1.1f}) {
                float[] a = alpha.toArray();
                a[j] *= f;
                assertTrue(ArdVae.klToPrior(q, Tensor.of(a, 4)).mean().item() > best, "dimension " + j + " scaled by " + f);
            }
        }
        // with alpha = 1 it is the VAE's KL to N(0, I)
        assertEquals(q.klToStandardNormal().mean().item(), ArdVae.klToPrior(q, Tensor.full(1f, 4)).mean().item(), 1e-4);
    }

    /**
     * Data with 3 informative factors (each sets a block of 4 of the 12 features, plus noise of the likelihood's sigma)
     * and a model of 8 latents: the ARD prior reports 3 used dimensions, in the training metric and in the evaluation's
     * report, and the model samples from its fitted variances.
     */
    @Test
    void ardReportsTheInformativeDimensions() {
        int n = 400, d = 12, informative = 3, latents = 8;
        Rng data = new Rng(17);
        float[] w = new float[informative * d];
        for (int k = 0; k < informative; k++) for (int j = 4 * k; j < 4 * k + 4; j++) w[k * d + j] = (float) (1 - 0.25 * k);
        Tensor x = data.normal(0f, 1f, n, informative).matmul(Tensor.of(w, informative, d)).add(data.normal(0f, 0.3f, n, d)).contiguous();
        VaeConfig c = VaeConfig.of(d, latents).withHidden(List.of(16)).withActivation(Activation.TANH).withGaussianSigma(0.3);
        ArdVae m = new ArdVae(ArdVaeConfig.of(c), new Rng(5));
        double lr = 1e-2;
        Adam adam = new Adam(m.parameters(), AdamOptions.DEFAULTS.withLearningRate(lr));
        Rng rng = new Rng(6);
        int b = 50, steps = 1000;
        for (int s = 0; s < steps; s++) {
            int from = (s % (n / b)) * b;
            adam.zeroGrad();
            TrainingProgress p = new TrainingProgress(s / (n / b), s, n / b);
            LossResult r = m.loss(Batch.of(x.slice(0, from, from + b).contiguous()), p, rng);
            r.loss().backward();
            adam.step();
            m.afterOptimizerStep(new StepContext(r, p, rng, lr));
        }
        LossResult all;
        try (var noGrad = GradMode.disabled()) {
            all = m.loss(Batch.of(x), TrainingProgress.EVALUATION, new Rng(7));
        }
        assertEquals(informative, all.metrics().get("usedDims"), 0.0, all.metrics().toString());
        EvaluationReport report = Evaluator.evaluate(m, x, null, EvaluationOptions.defaults(3).withImportanceSamples(0), null);
        RelevanceDiagnostics rel = report.relevance();
        assertEquals(informative, rel.used().length, rel.summary());
        assertTrue(report.summary().contains("ARD prior: 3/8 dimensions used"), report.summary());
        double[] r = rel.relevance(), kl = rel.klPerDimension();
        boolean[] isUsed = new boolean[latents];
        for (int j : rel.used()) isUsed[j] = true;
        for (int j = 0; j < latents; j++) {
            boolean used = isUsed[j];
            // a clear gap: the used dimensions carry nearly all their variance and over a nat each, the others almost nothing
            assertTrue(used ? r[j] > 0.8 && kl[j] > 1 : r[j] < 0.2 && kl[j] < 0.1, "dimension " + j + ": " + java.util.Arrays.toString(r)
                    + " " + java.util.Arrays.toString(kl));
        }
        assertArrayEquals(m.priorVariances(), rel.priorVariance(), 0.0);
        // the running average of the training fits is close to the fit on the whole data
        for (int j : rel.used()) assertEquals(rel.fittedVariance()[j], m.priorVariances()[j], 0.25 * rel.fittedVariance()[j]);
        try (var noGrad = GradMode.disabled()) {
            assertArrayEquals(new int[] {5, 12}, m.samplePrior(5, null, new Rng(8)).shape());
        }
    }
}
