package org.latent4j.core.estimator.gaussian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;

/** The two parts of DReG with known answers: the deferred gradient scale and the effective sample size. */
class DregPartsTest {
    @Test
    void theDeferredScaleIsTheIdentityWhoseGradientIsScaledByWhatTheScaleHoldsAtBackwardTime() {
        Tensor z = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Tensor scale = Tensor.zeros(3, 1);
        Tensor out = DeferredGradientScale.apply(z, scale);
        assertArrayEquals(z.toArray(), out.toArray(), 0f);
        Tensor loss = out.square().sum(); // d/dz = 2 z
        scale.copyFrom(Tensor.of(new float[] {0.5f, 0, 2}, 3, 1));
        loss.backward();
        assertArrayEquals(new float[] {1, 2, 0, 0, 20, 24}, z.grad().toArray(), 0f);
    }

    @Test
    void theEffectiveSampleSizeIsOneOverTheSumOfSquaredWeightsAveragedOverTheBatch() {
        // [k = 4, b = 2]: example 0 has weights (0.5, 0.25, 0.25, 0), example 1 puts all on its first sample
        Tensor w = Tensor.of(new float[] {0.5f, 1, 0.25f, 0, 0.25f, 0, 0, 0}, 4, 2);
        assertEquals((1 / 0.375 + 1) / 2, DoublyReparameterizedEstimator.effectiveSampleSize(w), 1e-6);
        assertEquals(4, DoublyReparameterizedEstimator.effectiveSampleSize(Tensor.full(0.25f, 4, 3)), 1e-6);
    }
}
