package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.estimator.silent.SilentLikelihood;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Silent Gradients in {@link Vae} and {@link Iwae}: the loss's gradient against finite differences of its surrogate,
 * the encoder's gradient as the weighted sum of the exact and stochastic ones (zero variance at weight 1), the
 * loss's value left as the model's own, the linear decoder saved and reloaded with the model, and the options.
 */
class SilentGradientsVaeTest {
    private static final int D = 12, STEPS = 100;

    private static VaeConfig config(SilentLikelihood likelihood) {
        return VaeConfig.of(D, 3).withHidden(List.of(8)).withSilent(new SilentGradientsConfig(STEPS, likelihood, 0.5));
    }

    private static TrainingProgress at(long step) {
        return new TrainingProgress((int) (step / 10), step, 10);
    }

    private static Vae model(VaeConfig c, long seed) {
        Vae m = new Vae(c, new Rng(seed));
        m.initialise(TrainingData.of(ModelFixtures.binary(40, D, 3, seed).x()), new Rng(seed));
        return m;
    }

    private static Batch batch(long seed) {
        return Batch.of(ModelFixtures.binary(5, D, 3, seed).x());
    }

    @Test
    void theLossGradientsMatchFiniteDifferencesOfTheSurrogate() {
        for (SilentLikelihood kind : SilentLikelihood.values()) {
            for (long step : new long[] {0, STEPS / 2, STEPS}) {
                ModelFixtures.assertLossGradients(model(config(kind), 1), batch(2), at(step), 3);
            }
        }
        ModelFixtures.assertLossGradients(new Iwae(config(SilentLikelihood.GAUSSIAN_SHARED).withSamples(3), new Rng(4)), batch(5), at(STEPS / 4), 6);
        ModelFixtures.assertLossGradients(model(config(SilentLikelihood.GAUSSIAN_LEARNED).withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED), 7), batch(8), at(30), 9);
    }

    /** Every parameter's gradient of one loss evaluation, by name. */
    private static Map<String, float[]> gradients(LatentModel m, Batch b, long step, long seed) {
        for (Tensor p : m.parameters()) p.clearGrad();
        m.loss(b, at(step), new Rng(seed)).loss().backward();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var e : m.namedParameters().entrySet()) out.put(e.getKey(), e.getValue().grad() == null ? new float[e.getValue().size()] : e.getValue().grad().toArray());
        return out;
    }

    @Test
    void theEncoderGradientAtWeightOneHasZeroVarianceOverDraws() {
        Vae m = model(config(SilentLikelihood.GAUSSIAN_SHARED), 11);
        Batch b = batch(12);
        Map<String, float[]> first = gradients(m, b, 0, 100);
        Map<String, float[]> late = gradients(m, b, STEPS, 100);
        for (long seed = 101; seed < 106; seed++) {
            Map<String, float[]> g = gradients(m, b, 0, seed);
            Map<String, float[]> plain = gradients(m, b, STEPS, seed);
            boolean encoderMoved = false, decoderMoved = false;
            for (String name : first.keySet()) {
                if (name.startsWith("encoder.")) {
                    // bit for bit: nothing of the draw reaches the encoder
                    assertTrue(java.util.Arrays.equals(first.get(name), g.get(name)), name + " differs between draws at weight 1");
                    encoderMoved |= !java.util.Arrays.equals(late.get(name), plain.get(name));
                } else if (name.startsWith("decoder.")) {
                    decoderMoved |= !java.util.Arrays.equals(first.get(name), g.get(name));
                }
            }
            assertTrue(encoderMoved, "at weight 0 the encoder's gradient does vary with the draw (else this test shows nothing)");
            assertTrue(decoderMoved, "the model's decoder keeps its stochastic gradient at weight 1");
        }
    }

    @Test
    void theEncoderGetsTheWeightedSumAndEachDecoderItsOwnTerm() {
        Vae m = model(config(SilentLikelihood.GAUSSIAN_SHARED), 21);
        Batch b = batch(22);
        long seed = 23;
        Map<String, float[]> exact = gradients(m, b, 0, seed), stochastic = gradients(m, b, STEPS, seed);
        long step = 30;
        double w = 0.7;
        Map<String, float[]> mixed = gradients(m, b, step, seed);
        for (String name : mixed.keySet()) {
            float[] e = exact.get(name), s = stochastic.get(name), g = mixed.get(name);
            for (int i = 0; i < g.length; i++) {
                double want = name.startsWith("encoder.") ? w * e[i] + (1 - w) * s[i] : s[i];
                if (name.startsWith("silent.")) want = e[i];
                assertEquals(want, g[i], 1e-5 + 1e-4 * Math.abs(want), name + "[" + i + "] at weight " + w);
            }
        }
        // the linear decoder's gradient does not depend on the weight, and is not nothing
        float[] sw = exact.get("silent.weight");
        assertTrue(java.util.Arrays.equals(sw, stochastic.get("silent.weight")) && norm(sw) > 0);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) s += f * f;
        return Math.sqrt(s);
    }

    @Test
    void theLossIsTheModelsOwnAndReportsTheExactTerm() {
        VaeConfig plainConfig = VaeConfig.of(D, 3).withHidden(List.of(8));
        Vae plain = model(plainConfig, 31), silent = model(plainConfig.withSilent(new SilentGradientsConfig(STEPS)), 31);
        Batch b = batch(32);
        for (long step : new long[] {0, 50, 200}) {
            LossResult p = plain.loss(b, at(step), new Rng(33)), s = silent.loss(b, at(step), new Rng(33));
            // the same weights (the linear decoder is drawn last) and the same draw: the same loss, to the bit
            assertEquals(p.loss().item(), s.loss().item(), "step " + step);
            assertEquals(p.metrics().get("elbo"), s.metrics().get("elbo"));
            assertEquals(Math.max(0, 1 - step / (double) STEPS), s.metrics().get("silentWeight"), 1e-12);
            assertTrue(s.metrics().get("silentRecon") > 0 && Double.isFinite(s.metrics().get("silentRecon")));
            assertFalse(p.metrics().containsKey("silentRecon"));
        }
        assertEquals(List.of("silent.weight", "silent.bias", "silent.log_var"),
                silent.namedParameters().keySet().stream().filter(n -> n.startsWith("silent.")).toList());
    }

    @Test
    void aSavedModelReloadsWithItsLinearDecoderAndGivesTheSameLoss(@TempDir Path dir) throws Exception {
        Vae m = model(config(SilentLikelihood.GAUSSIAN_LEARNED), 41);
        Tensor x = ModelFixtures.binary(60, D, 3, 42).x();
        ModelFixtures.train(m, x, null, 30, 0.01, 43);
        Batch b = batch(44);
        ModelStore.save(dir, m, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.NONE), null, null);
        LatentModel loaded = ModelStore.load(dir).model();
        assertEquals(m.config(), loaded.config());
        for (long step : new long[] {10, 1000}) {
            LossResult a = m.loss(b, at(step), new Rng(45)), c = loaded.loss(b, at(step), new Rng(45));
            assertEquals(a.loss().item(), c.loss().item(), "step " + step);
            assertEquals(a.metrics().get("silentRecon"), c.metrics().get("silentRecon"), "the linear decoder's exact term, step " + step);
        }
        // and its weights are not the ones it was built with: training moved them
        Vae fresh = model(config(SilentLikelihood.GAUSSIAN_LEARNED), 41);
        assertNotEquals(fresh.loss(b, at(10), new Rng(45)).metrics().get("silentRecon"), loaded.loss(b, at(10), new Rng(45)).metrics().get("silentRecon"));
    }

    @Test
    void trainingFitsTheLinearDecoder() {
        Vae m = model(config(SilentLikelihood.GAUSSIAN_SHARED), 51);
        Tensor x = ModelFixtures.binary(100, D, 3, 52).x();
        double before = m.loss(Batch.of(x), at(0), new Rng(53)).metrics().get("silentRecon");
        ModelFixtures.train(m, x, null, 150, 0.01, 54);
        double after = m.loss(Batch.of(x), at(0), new Rng(53)).metrics().get("silentRecon");
        // three prototypes with 10% flipped pixels: a linear decoder of 3 latents explains most of the variance
        assertTrue(after < before - 2, "the linear decoder's exact reconstruction term fell from " + before + " to " + after);
    }

    @Test
    void theOptionsConfigureItAndRefuseWhatDoesNotApply() {
        DataShape shape = new DataShape(D, null, 0, true);
        ModelKind<?> vae = ModelKinds.get("vae"), iwae = ModelKinds.get("iwae");
        VaeConfig c = (VaeConfig) vae.configure(new OptionValues("test", Map.of("silent-gradients", "500")), shape);
        assertEquals(new SilentGradientsConfig(500), c.silent());
        c = (VaeConfig) iwae.configure(new OptionValues("test", Map.of("silent-gradients", "7", "silent-likelihood", "gaussian-fixed", "silent-sigma", "0.3")), shape);
        assertEquals(new SilentGradientsConfig(7, SilentLikelihood.GAUSSIAN_FIXED, 0.3), c.silent());
        assertEquals(null, ((VaeConfig) vae.configure(new OptionValues("test", Map.of()), shape)).silent());
        for (Map<String, String> bad : List.of(Map.of("silent-likelihood", "gaussian-learned"), Map.of("silent-gradients", "0"),
                Map.of("silent-gradients", "5", "silent-sigma", "2"), Map.of("silent-gradients", "5", "silent-likelihood", "bernoulli"))) {
            var e = assertThrows(OptionValues.OptionException.class, () -> vae.configure(new OptionValues("test", bad), shape), bad.toString());
            assertTrue(e.getMessage().contains("silent"), e.getMessage());
        }
    }
}
