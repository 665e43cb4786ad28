package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class LikelihoodRegretTest {
    /** Enough steps and samples that the refined posterior settles and both ELBOs are estimated closely. */
    private static final LikelihoodRegret.Options CONVERGED = new LikelihoodRegret.Options(300, 0.02, 16, 4000);

    /**
     * With a linear decoder the exact posterior is a diagonal Gaussian, so refining q(z|x) reaches it and the regret is
     * the ELBO gap of the encoder's posterior: KL(q || p(z|x)). The encoder's posterior here is the exact one with its
     * mean shifted by delta and its variance scaled by f, so that KL is sum_j (f - 1 - ln f + delta^2 / v_j) / 2 with v_j
     * the exact posterior's variances, the same for every row.
     */
    @Test
    void regretIsTheKlFromTheEncodersPosteriorToTheExactOne() {
        double shift = 0.6, factor = 2.5;
        LinearGaussianModel model = LinearGaussianModel.standard(shift, factor);
        LinearGaussianModel.Config c = (LinearGaussianModel.Config) model.config();
        double expected = 0;
        for (int j = 0; j < 2; j++) {
            double norm2 = 0;
            for (double[] row : c.w()) norm2 += row[j] * row[j];
            double v = 1 / (1 + norm2 / (c.s() * c.s()));
            expected += 0.5 * (factor - 1 - Math.log(factor) + shift * shift / v);
        }
        Tensor x = model.sampleData(12, 3);
        double[] regret = LikelihoodRegret.score(model, x, null, CONVERGED, 5, null, null);
        // each row's estimate carries the Monte Carlo noise of its amortised ELBO (sd about 0.05 nats here); their mean less
        double mean = 0;
        for (int i = 0; i < regret.length; i++) {
            assertEquals(expected, regret[i], 0.08 * expected, "row " + i);
            mean += regret[i] / regret.length;
        }
        assertEquals(expected, mean, 0.015 * expected, "mean over the rows");
    }

    /** When the encoder's posterior is already exact nothing is left to gain: every weight is log p(x), and so is the amortised ELBO. */
    @Test
    void anExactEncoderLeavesNoRegret() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        Tensor x = model.sampleData(12, 4);
        double[] regret = LikelihoodRegret.score(model, x, null, LikelihoodRegret.Options.DEFAULTS, 5, null, null);
        for (int i = 0; i < regret.length; i++) {
            // the refinement's noisy steps can only wander off the optimum: at most the refined estimate's noise above 0
            assertTrue(regret[i] < 0.02 && regret[i] > -0.5, "row " + i + ": " + regret[i]);
        }
    }

    /** A row's regret is a function of its key: the same alone, among other rows, or across a batch boundary. */
    @Test
    void aRowsRegretDependsOnItsKeyNotOnItsNeighbours() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.3, 1.5);
        int n = LikelihoodRegret.BATCH + 44;
        Tensor x = model.sampleData(n, 1);
        LikelihoodRegret.Options few = new LikelihoodRegret.Options(5, 0.05, 2, 3);
        double[] all = LikelihoodRegret.score(model, x, null, few, 9, null, null);
        int lo = LikelihoodRegret.BATCH - 10, hi = LikelihoodRegret.BATCH + 20;
        long[] keys = new long[hi - lo];
        for (int i = 0; i < keys.length; i++) keys[i] = lo + i;
        double[] part = LikelihoodRegret.score(model, x.slice(0, lo, hi).contiguous(), null, few, 9, keys, null);
        for (int i = 0; i < keys.length; i++) assertEquals(all[lo + i], part[i], 0, "row " + (lo + i));
        double[] otherSeed = LikelihoodRegret.score(model, x, null, few, 10, null, null);
        assertTrue(otherSeed[0] != all[0], "another seed draws other noise");
    }

    /** The decoder is fixed while the posteriors are fitted: the model's weights, their flags and gradients are as they were. */
    @Test
    void theModelIsLeftAsItWas() {
        LatentModel vae = ModelKinds.get("vae").createFrom(VaeConfig.of(6, 2).withHidden(java.util.List.of(8)), new Rng(3));
        Map<String, float[]> before = new HashMap<>();
        vae.namedParameters().forEach((name, p) -> before.put(name, p.toArray()));
        Tensor x = new Rng(4).uniform(0f, 1f, 20, 6);
        double[] regret = AnomalyScorer.score(vae, x, null, AnomalyScore.LIKELIHOOD_REGRET, 1, 1, 2, null);
        double mean = 0;
        for (double r : regret) mean += r / regret.length;
        // an untrained encoder is far from each row's best posterior
        assertTrue(mean > 0.1, "mean regret of an untrained VAE " + mean);
        vae.namedParameters().forEach((name, p) -> {
            assertTrue(p.requiresGrad(), name + " still asks for gradients");
            assertNull(p.grad(), name + " got a gradient");
            assertEquals(java.util.Arrays.toString(before.get(name)), java.util.Arrays.toString(p.toArray()), name);
        });
    }

    @Test
    void modelsWithoutOneGaussianPosteriorAreRefused() {
        LatentModel ae = new Autoencoder(AutoencoderConfig.of(6, 2), new Rng(1));
        assertEquals("the ae model has no single Gaussian posterior to refine; use --score reconstruction",
                AnomalyScore.LIKELIHOOD_REGRET.unsupportedReason(ae));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LikelihoodRegret.score(ae, Tensor.zeros(2, 6), null, LikelihoodRegret.Options.DEFAULTS, 0, null, null));
        assertTrue(e.getMessage().contains("no single Gaussian posterior"), e.getMessage());
        assertNull(AnomalyScore.LIKELIHOOD_REGRET.unsupportedReason(LinearGaussianModel.standard(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> new LikelihoodRegret.Options(0, 0.05, 4, 20));
        assertThrows(IllegalArgumentException.class, () -> new LikelihoodRegret.Options(50, Double.NaN, 4, 20));
        assertThrows(IllegalArgumentException.class, () -> new LikelihoodRegret.Options(50, 0.05, 4, 0));
    }
}
