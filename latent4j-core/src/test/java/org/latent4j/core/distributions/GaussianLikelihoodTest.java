package org.latent4j.core.distributions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;

class GaussianLikelihoodTest {
    @Test
    void aLearnedVarianceHasAFloorSoAConstantFeatureCannotRunAway() {
        GaussianLikelihood g = GaussianLikelihood.learned(2);
        Tensor logVar = g.namedParameters().get("log_var");
        logVar.copyFrom(Tensor.vector(-50f, 0f));
        Tensor x = Tensor.of(new float[] {0.5f, 0.5f}, 1, 2), mean = Tensor.of(new float[] {0.5f, 0.5f}, 1, 2);
        double expected = -0.5 * (Math.log(2 * Math.PI) + GaussianLikelihood.MIN_LOG_VARIANCE) - 0.5 * Math.log(2 * Math.PI);
        assertEquals(expected, g.logProb(mean, x).item(), 1e-3, "the first feature's variance is read at the floor, 1e-6");
        // below the floor the log-variance gets no gradient: nothing pushes it further down
        logVar.requiresGrad(true);
        g.logProb(mean, x).sum().backward();
        assertEquals(0f, logVar.grad().get(0));
        assertTrue(logVar.grad().get(1) != 0f);
    }
}
