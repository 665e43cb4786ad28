package org.latent4j.core.model;

import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.ConditionalVae;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.distributions.PosteriorParameterisation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The regularisers of {@link VaeConfig} against the formulas evaluated by hand (in double, from the
 * encoder's outputs), and the importance-weighted bound's properties.
 */
class VaeObjectiveTest {
    static final int D = 12, L = 4, B = 10;
    static final VaeConfig BASE = VaeConfig.of(D, L).withHidden(List.of(16));
    static final Tensor X = ModelFixtures.binary(B, D, 3, 17).x();
    static final TrainingProgress AT_STEP_3 = new TrainingProgress(0, 3, 10);

    /** mean over the batch of KL_j, per latent dimension, computed here from the posterior's mean and log-variance. */
    static double[] klPerDim(Vae m) {
        var q = m.posterior(X, null);
        float[] mu = q.mean().contiguous().toArray(), lv = q.logVar().contiguous().toArray();
        double[] kl = new double[L];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < L; j++) {
                double m2 = (double) mu[i * L + j] * mu[i * L + j], v = lv[i * L + j];
                kl[j] += 0.5 * (m2 + Math.exp(v) - v - 1) / B;
            }
        }
        return kl;
    }

    /** The loss of a model built from {@code cfg} with the same weights as every other (same seed, same shapes). */
    static LossResult lossOf(VaeConfig cfg, TrainingProgress p) {
        return new Vae(cfg, new Rng(31)).loss(Batch.of(X), p, new Rng(32));
    }

    static double sum(double[] a) {
        return Arrays.stream(a).sum();
    }

    @Test
    void plainElboRegulariserIsTheKl() {
        double kl = sum(klPerDim(new Vae(BASE, new Rng(31))));
        LossResult r = lossOf(BASE, AT_STEP_3);
        assertEquals(kl, r.regularization().item(), 1e-5 * kl + 1e-6);
        assertEquals(kl, r.metrics().get("kl"), 1e-5 * kl + 1e-6);
        assertEquals(r.reconstruction().item() + kl, r.loss().item(), 1e-5);
    }

    @Test
    void warmUpScalesTheKlLinearlyInEpochs() {
        double kl = sum(klPerDim(new Vae(BASE, new Rng(31))));
        VaeConfig cfg = BASE.withBeta(4).withWarmupEpochs(2);
        float recon = lossOf(BASE, AT_STEP_3).reconstruction().item();
        // step 3 of 10 per epoch = 0.3 epochs of 2: weight 4 * 0.15
        LossResult r = lossOf(cfg, AT_STEP_3);
        assertEquals(recon, r.reconstruction().item(), 0f, "same weights and seed, same reconstruction term");
        assertEquals(0.6 * kl, r.regularization().item(), 1e-5 * kl);
        assertEquals(0.6, r.metrics().get("klWeight"), 1e-12);
        assertEquals(0.0, lossOf(cfg, new TrainingProgress(0, 0, 10)).regularization().item(), 0.0);
        assertEquals(4 * kl, lossOf(cfg, new TrainingProgress(5, 50, 10)).regularization().item(), 1e-5 * kl);
        assertEquals(4 * kl, lossOf(BASE.withBeta(4), AT_STEP_3).regularization().item(), 1e-5 * kl, "beta-VAE without warm-up");
    }

    @Test
    void freeBitsFloorsEachDimensionsBatchMeanKl() {
        double[] kl = klPerDim(new Vae(BASE, new Rng(31)));
        double[] sorted = kl.clone();
        Arrays.sort(sorted);
        double lambda = (sorted[1] + sorted[2]) / 2; // two dimensions below the floor, two above
        double expected = 0;
        for (double k : kl) expected += Math.max(lambda, k);
        assertTrue(expected > sum(kl) + 1e-3, "the floor must bind for the test to mean anything");
        LossResult r = lossOf(BASE.withFreeBits(lambda), AT_STEP_3);
        assertEquals(expected, r.regularization().item(), 1e-5 * expected);
        assertEquals(sum(kl), r.metrics().get("kl"), 1e-5 * sum(kl), "the reported KL stays the unfloored one");
    }

    @Test
    void capacityPenalisesTheDistanceOfTheKlToAGrowingTarget() {
        double kl = sum(klPerDim(new Vae(BASE, new Rng(31))));
        VaeConfig cfg = BASE.withCapacity(new VaeConfig.Capacity(50, 10 * kl, 100));
        // step 3 of 100: C = 0.3 kl, so the penalty is 50 * 0.7 kl
        LossResult early = lossOf(cfg, AT_STEP_3);
        assertEquals(50 * 0.7 * kl, early.regularization().item(), 1e-4 * 50 * kl);
        assertEquals(0.3 * kl, early.metrics().get("capacity"), 1e-9);
        // past the schedule: C = 10 kl, the KL is below it, penalty 50 * 9 kl
        LossResult late = lossOf(cfg, new TrainingProgress(30, 300, 10));
        assertEquals(50 * 9 * kl, late.regularization().item(), 1e-4 * 450 * kl);
    }

    /**
     * The encoder's second head h read both ways, on values whose consequences are worked out by hand. The
     * encoder is affine (no hidden layer) with a zero bias, so the one-hot inputs below make the head output
     * the weight rows themselves: row 0 gives means (0.5, -1) and head (ln 2, -ln 2), row 1 means (0, 2) and
     * head (0, ln 3).
     */
    @Test
    void posteriorHeadIsTheLogStdOrTheLogVariance() {
        float ln2 = (float) Math.log(2), ln3 = (float) Math.log(3);
        Tensor x = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
        float[] mu = {0.5f, -1, 0, 2};
        // LOG_STD: sigma = exp(h) = (2, 1/2), (1, 3); LOG_VARIANCE: sigma^2 = exp(h) = (2, 1/2), (1, 3)
        double[] stdOfLogStd = {2, 0.5, 1, 3};
        double[] stdOfLogVariance = {Math.sqrt(2), Math.sqrt(0.5), 1, Math.sqrt(3)};
        // 0.5 (mu^2 + sigma^2 - ln sigma^2 - 1) with those numbers
        double[] klOfLogStd = {0.5 * (0.25 + 4 - 2 * ln2 - 1), 0.5 * (1 + 0.25 + 2 * ln2 - 1), 0, 0.5 * (4 + 9 - 2 * ln3 - 1)};
        double[] klOfLogVariance = {0.5 * (0.25 + 2 - ln2 - 1), 0.5 * (1 + 0.5 + ln2 - 1), 0, 0.5 * (4 + 3 - ln3 - 1)};
        for (PosteriorParameterisation p : PosteriorParameterisation.values()) {
            boolean logStd = p == PosteriorParameterisation.LOG_STD;
            double[] std = logStd ? stdOfLogStd : stdOfLogVariance, kl = logStd ? klOfLogStd : klOfLogVariance;
            Vae m = new Vae(VaeConfig.of(2, 2).withHidden(List.of()).withPosterior(p), new Rng(1));
            // written [in, out] and transposed into the weight [out, in]: outputs 0-1 are the means, 2-3 the head
            m.namedParameters().get("encoder.net.0.weight").copyFrom(Tensor.of(new float[] {0.5f, -1, ln2, -ln2, 0, 2, 0, ln3}, 2, 4).t());
            m.namedParameters().get("encoder.net.0.bias").copyFrom(Tensor.zeros(4));
            var q = m.posterior(x, null);
            assertArrayEquals(mu, q.mean().contiguous().toArray(), 1e-6f, p.name());
            float[] logVar = q.logVar().contiguous().toArray(), klPerDim = q.klToStandardNormalPerDim().contiguous().toArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(2 * Math.log(std[i]), logVar[i], 1e-6, p + " log-variance " + i);
                assertEquals(std[i], Math.exp(0.5 * logVar[i]), 1e-6, p + " std " + i);
                assertEquals(kl[i], klPerDim[i], 1e-6, p + " KL " + i);
            }
            // the loss reports the KL summed over dimensions, averaged over the two rows
            LossResult r = m.loss(Batch.of(x), AT_STEP_3, new Rng(5));
            assertEquals((kl[0] + kl[1] + kl[2] + kl[3]) / 2, r.metrics().get("kl"), 1e-6, p + " KL of the loss");
            // its reconstruction decodes mu + sigma eps, eps the first normals of the same seed, drawn as [k = 1, batch, latent]
            float[] eps = new Rng(5).normal(0f, 1f, 1, 2, 2).toArray(), z = new float[4];
            for (int i = 0; i < 4; i++) z[i] = (float) (mu[i] + std[i] * eps[i]);
            double recon = -m.likelihood().logProb(m.decode(Tensor.of(z, 2, 2), null), x).mean().item();
            assertEquals(recon, r.reconstruction().item(), 1e-5, p + " reconstruction at z = mu + sigma eps");
        }
    }

    @Test
    void importanceWeightedBoundRisesWithKAndBoundsTheElbo() {
        Vae m = new Vae(BASE, new Rng(41));
        int total = 2000;
        float[] w = m.logImportanceWeights(X, null, total, new Rng(42)).toArray(); // [total, B]
        double previous = Double.NEGATIVE_INFINITY;
        for (int k : new int[] {1, 5, 50, 500}) {
            double mean = 0;
            int groups = total / k;
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < B; i++) {
                    double avg = 0;
                    for (int s = g * k; s < (g + 1) * k; s++) avg += w[s * B + i];
                    double lk = ModelFixtures.logMeanExp(w, B, i, g * k, (g + 1) * k);
                    assertTrue(lk >= avg / k - 1e-9, "log-mean-exp is at least the mean (Jensen)");
                    mean += lk / (groups * B);
                }
            }
            // an untrained encoder is far from the posterior, so the first gaps are tenths of nats, far beyond the
            // sampling noise; L_500 (from only 4 groups) is only required not to fall
            assertTrue(mean > previous + (k < 500 ? 0.1 : 0), "L_" + k + " = " + mean + " after " + previous);
            previous = mean;
        }
    }

    @Test
    void iwaeLossIsMinusTheMeanBoundOfItsImportanceWeights() {
        Iwae m = new Iwae(BASE.withSamples(7), new Rng(43));
        float loss = m.loss(Batch.of(X), AT_STEP_3, new Rng(44)).loss().item();
        float[] w = m.logImportanceWeights(X, null, 7, new Rng(44)).toArray();
        double expected = 0;
        for (int i = 0; i < B; i++) expected -= ModelFixtures.logMeanExp(w, B, i, 0, 7) / B;
        assertEquals(expected, loss, 1e-5 * Math.abs(expected));
    }

    @Test
    void kSampleElboAveragesTheReconstructionOverSamples() {
        // k = 1 and k = 200 estimate the same expected reconstruction; the KL term is the same closed form
        LossResult one = lossOf(BASE, AT_STEP_3);
        LossResult many = lossOf(BASE.withSamples(200), AT_STEP_3);
        assertEquals(one.regularization().item(), many.regularization().item(), 1e-6);
        Vae m = new Vae(BASE, new Rng(31));
        float[] w = m.logImportanceWeights(X, null, 200, new Rng(32)).toArray();
        double elbo = 0;
        for (float v : w) elbo += v / w.length;
        // the Monte Carlo ELBO from the weights and the loss with analytic KL agree up to sampling noise
        assertEquals(-elbo, many.loss().item(), 0.05 * Math.abs(elbo));
    }

    @Test
    void outputBiasStartsAtTheLogitOfTheClippedMean() {
        Vae m = new Vae(BASE, new Rng(45));
        float[] mean = new float[D];
        for (int j = 0; j < D; j++) mean[j] = j / (float) (D - 1); // includes 0 and 1, which are clipped
        m.initialise(TrainingData.of(Tensor.of(mean, 1, D)), new Rng(1));
        // z = 0 gives hidden tanh(0) = 0 (biases start at zero), so the output is the bias alone
        float[] p = m.likelihood().mean(m.decode(Tensor.zeros(1, L), null)).toArray();
        for (int j = 0; j < D; j++) assertEquals(Math.min(0.999, Math.max(0.001, mean[j])), p[j], 1e-5);
    }

    @Test
    void conditionalSamplesFollowTheirClass() {
        var data = ModelFixtures.binary(200, D, 4, 5);
        ConditionalVae m = new ConditionalVae(new ConditionalVaeConfig(VaeConfig.of(D, 2).withHidden(List.of(16)), 4), new Rng(46));
        ModelFixtures.train(m, data.x(), m.labelCondition(data.labels()), 400, 1e-2, 47);
        for (int c = 0; c < 4; c++) {
            float[] p = m.likelihood().mean(m.sampleClass(c, 200, new Rng(48 + c))).toArray();
            double[] avg = new double[D];
            for (int i = 0; i < 200; i++) for (int j = 0; j < D; j++) avg[j] += p[i * D + j] / 200;
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int q = 0; q < 4; q++) {
                double dist = 0;
                for (int j = 0; j < D; j++) dist += Math.pow(avg[j] - data.prototypes()[q][j], 2);
                if (dist < best) {
                    best = dist;
                    nearest = q;
                }
            }
            assertEquals(c, nearest, "samples of class " + c + " look like prototype " + nearest);
            // the data flips 10% of pixels: the mean of a class is 0.1 or 0.9 per pixel, off by 0.01 * 12 in squares
            assertTrue(best < 0.5, "class " + c + " samples are " + best + " (squared distance) from their prototype");
        }
        assertThrows(IllegalArgumentException.class, () -> m.loss(Batch.of(data.x()), AT_STEP_3, new Rng(1)));
    }
}
