package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.discrete.CategoricalVae;
import org.latent4j.core.model.discrete.CategoricalVaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Silent Gradients on the categorical VAE, with each estimator the benchmark compares (gumbel, reinforce) and the
 * others: surrogate gradient checks, zero encoder variance at weight 1, the encoder's weighted split and each
 * decoder's own term, the loss left as the estimator's, and save and reload.
 */
class SilentGradientsCategoricalVaeTest {
    private static final int D = 12, STEPS = 100;

    private static CategoricalVaeConfig config(String estimator, boolean silent) {
        CategoricalVaeConfig c = CategoricalVaeConfig.of(D).withLatents(3, 4).withHidden(List.of(8)).withActivation(Activation.TANH)
                .withEstimator(estimator, estimator.equals("vimco") ? 3 : 1)
                // a temperature held still, so the stochastic term is the same function of the draw at every step
                .withTemperature(new Temperature(1.0, 0.5, 0));
        return silent ? c.withSilent(new SilentGradientsConfig(STEPS)) : c;
    }

    private static CategoricalVae model(String estimator, boolean silent, long seed) {
        CategoricalVae m = new CategoricalVae(config(estimator, silent), new Rng(seed));
        m.initialise(TrainingData.of(ModelFixtures.binary(40, D, 3, seed).x()), new Rng(seed));
        // a non-trivial running baseline for the score-function estimators
        m.namedBuffers().get("signal_statistics").copyFrom(Tensor.vector(3, -2f, 9f));
        return m;
    }

    private static TrainingProgress at(long step) {
        return new TrainingProgress((int) (step / 10), step, 10);
    }

    private static Batch batch(long seed) {
        return Batch.of(ModelFixtures.binary(5, D, 3, seed).x());
    }

    private static Map<String, float[]> gradients(LatentModel m, Batch b, long step, long seed) {
        for (Tensor p : m.parameters()) p.clearGrad();
        m.loss(b, at(step), new Rng(seed)).loss().backward();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var e : m.namedParameters().entrySet()) out.put(e.getKey(), e.getValue().grad() == null ? new float[e.getValue().size()] : e.getValue().grad().toArray());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "gumbel-st", "reinforce", "nvil", "vimco"})
    void theLossGradientsMatchFiniteDifferencesOfTheSurrogate(String estimator) {
        for (long step : new long[] {0, 40, STEPS}) ModelFixtures.assertLossGradients(model(estimator, true, 1), batch(2), at(step), 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "gumbel-st", "reinforce", "nvil", "vimco"})
    void theEncoderGradientAtWeightOneHasZeroVarianceOverDraws(String estimator) {
        CategoricalVae m = model(estimator, true, 11);
        Batch b = batch(12);
        Map<String, float[]> first = gradients(m, b, 0, 100), late = gradients(m, b, STEPS, 100);
        boolean encoderMoved = false;
        for (long seed = 101; seed < 106; seed++) {
            Map<String, float[]> g = gradients(m, b, 0, seed), plain = gradients(m, b, STEPS, seed);
            for (String name : first.keySet()) {
                if (!name.startsWith("encoder.")) continue;
                assertTrue(Arrays.equals(first.get(name), g.get(name)), estimator + ": " + name + " differs between draws at weight 1");
                encoderMoved |= !Arrays.equals(late.get(name), plain.get(name));
            }
        }
        assertTrue(encoderMoved, estimator + ": at weight 0 the encoder's gradient varies with the draw (else this test shows nothing)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "reinforce"})
    void theEncoderGetsTheWeightedSumAndEachDecoderItsOwnTerm(String estimator) {
        CategoricalVae m = model(estimator, true, 21);
        Batch b = batch(22);
        long seed = 23;
        Map<String, float[]> exact = gradients(m, b, 0, seed), stochastic = gradients(m, b, STEPS, seed);
        double w = 0.7;
        Map<String, float[]> mixed = gradients(m, b, 30, seed);
        for (String name : mixed.keySet()) {
            float[] e = exact.get(name), s = stochastic.get(name), g = mixed.get(name);
            for (int i = 0; i < g.length; i++) {
                double want = name.startsWith("encoder.") ? w * e[i] + (1 - w) * s[i] : name.startsWith("silent.") ? e[i] : s[i];
                assertEquals(want, g[i], 1e-5 + 1e-4 * Math.abs(want), estimator + ": " + name + "[" + i + "] at weight " + w);
            }
        }
        assertTrue(Arrays.equals(exact.get("silent.weight"), stochastic.get("silent.weight")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "reinforce"})
    void theLossIsTheEstimatorsOwnAndTheModelReloads(String estimator, @TempDir Path dir) throws Exception {
        CategoricalVae plain = model(estimator, false, 31), silent = model(estimator, true, 31);
        Batch b = batch(32);
        for (long step : new long[] {0, 50, 200}) {
            LossResult p = plain.loss(b, at(step), new Rng(33)), s = silent.loss(b, at(step), new Rng(33));
            assertEquals(p.loss().item(), s.loss().item(), estimator + ", step " + step);
            assertEquals(Math.max(0, 1 - step / (double) STEPS), s.metrics().get("silentWeight"), 1e-12);
        }
        Tensor x = ModelFixtures.binary(60, D, 3, 34).x();
        ModelFixtures.train(silent, x, null, 20, 0.01, 35);
        ModelStore.save(dir, silent, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.NONE), null, null);
        LatentModel loaded = ModelStore.load(dir).model();
        assertEquals(silent.config(), loaded.config());
        LossResult a = silent.loss(b, at(10), new Rng(36)), c = loaded.loss(b, at(10), new Rng(36));
        assertEquals(a.loss().item(), c.loss().item());
        assertEquals(a.metrics().get("silentRecon"), c.metrics().get("silentRecon"));
        assertTrue(loaded.namedParameters().containsKey("silent.weight") && loaded.namedParameters().get("silent.weight").dim(1) == 12);
    }
}
