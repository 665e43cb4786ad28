package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.model.discrete.BernoulliVae;
import org.latent4j.core.model.discrete.BernoulliVaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Silent Gradients on the Bernoulli-latent VAE: the surrogate's gradients against finite differences, and at weight 1
 * an encoder gradient that no draw changes (the linear decoder's expectation over independent bits is exact), while at
 * weight 0 it does.
 */
class SilentGradientsBernoulliVaeTest {
    private static final int D = 12, STEPS = 100;

    private static BernoulliVae model(String estimator, long seed) {
        BernoulliVaeConfig c = BernoulliVaeConfig.of(D).withLatents(5).withHidden(List.of(8)).withActivation(Activation.TANH)
                .withEstimator(estimator, estimator.equals("vimco") ? 3 : 1)
                .withTemperature(new Temperature(1.0, 0.5, 0))
                .withSilent(new SilentGradientsConfig(STEPS));
        BernoulliVae m = new BernoulliVae(c, new Rng(seed));
        m.initialise(TrainingData.of(ModelFixtures.binary(40, D, 3, seed).x()), new Rng(seed));
        m.namedBuffers().get("signal_statistics").copyFrom(Tensor.vector(3, -2f, 9f));
        return m;
    }

    private static TrainingProgress at(long step) {
        return new TrainingProgress((int) (step / 10), step, 10);
    }

    private static Batch batch(long seed) {
        return Batch.of(ModelFixtures.binary(5, D, 3, seed).x());
    }

    private static float[] encoderGradient(LatentModel m, Batch b, long step, long seed) {
        for (Tensor p : m.parameters()) p.clearGrad();
        m.loss(b, at(step), new Rng(seed)).loss().backward();
        float[] out = new float[0];
        for (var e : m.namedParameters().entrySet()) {
            if (!e.getKey().startsWith("encoder.")) continue;
            float[] g = e.getValue().grad().toArray();
            float[] joined = Arrays.copyOf(out, out.length + g.length);
            System.arraycopy(g, 0, joined, out.length, g.length);
            out = joined;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "reinforce", "vimco"})
    void theLossGradientsMatchFiniteDifferencesOfTheSurrogate(String estimator) {
        for (long step : new long[] {0, 40, STEPS}) ModelFixtures.assertLossGradients(model(estimator, 1), batch(2), at(step), 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gumbel", "gumbel-st", "reinforce", "nvil"})
    void theEncoderGradientAtWeightOneHasZeroVarianceOverDraws(String estimator) {
        BernoulliVae m = model(estimator, 11);
        Batch b = batch(12);
        float[] exact = encoderGradient(m, b, 0, 100), plain = encoderGradient(m, b, STEPS, 100);
        boolean moved = false;
        for (long seed = 101; seed < 106; seed++) {
            assertTrue(Arrays.equals(exact, encoderGradient(m, b, 0, seed)), estimator + ": the encoder's gradient differs between draws at weight 1");
            moved |= !Arrays.equals(plain, encoderGradient(m, b, STEPS, seed));
        }
        assertTrue(moved, estimator + ": at weight 0 the encoder's gradient varies with the draw (else this test shows nothing)");
        assertFalse(Arrays.equals(exact, plain));
    }
}
