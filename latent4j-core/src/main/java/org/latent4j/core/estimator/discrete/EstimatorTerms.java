package org.latent4j.core.estimator.discrete;

import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/** The pieces the discrete estimators share. */
final class EstimatorTerms {
    private EstimatorTerms() {}

    /** Every discrete estimator here serves both families: they work on the table of log q and on indicators. */
    static final Set<LatentFamily> BOTH = Set.of(LatentFamily.CATEGORICAL, LatentFamily.BERNOULLI);

    /**
     * t - sg(t): value 0, gradient t's. A score-function term written this way leaves the loss's value the negative
     * bound while its gradient is the estimator's.
     */
    static Tensor gradientOnly(Tensor t) {
        return t.sub(Surrogate.stopGradient(t));
    }

    /** The values of t as constants (held still by a {@link Surrogate#freeze()}). */
    static float[] constant(Tensor t) {
        return Surrogate.stopGradient(t).contiguous().toArray();
    }

    /** Mean and (population) variance. */
    static DiscreteEstimate.Signal moments(float[] v) {
        double sum = 0;
        for (float f : v) sum += f;
        double mean = sum / v.length, ss = 0;
        for (float f : v) ss += (f - mean) * (f - mean);
        return new DiscreteEstimate.Signal(mean, ss / v.length, v.length);
    }

    /**
     * Minus the mean over samples and rows of advantage * (log q - sg(log q)):
     * the REINFORCE term of k independent single-sample estimates, averaged.
     */
    static Tensor scoreFunction(float[] advantage, Tensor logq) {
        Tensor a = Tensor.of(advantage, logq.shape());
        return a.mul(gradientOnly(logq)).mean().neg();
    }
}
