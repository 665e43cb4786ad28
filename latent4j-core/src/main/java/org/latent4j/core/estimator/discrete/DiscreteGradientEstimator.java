package org.latent4j.core.estimator.discrete;

import org.latent4j.core.estimator.GradientEstimator;

/**
 * A gradient estimator for discrete latents ({@link org.latent4j.core.estimator.LatentFamily#CATEGORICAL} and
 * {@link org.latent4j.core.estimator.LatentFamily#BERNOULLI}): given the encoder's logits and a way to decode, it
 * returns the objective's terms as tensors whose gradients are the estimator's ({@link DiscreteEstimate}). The
 * models of those families ({@code model.discrete}) call it; an estimator holds no state of its own (a running
 * baseline lives in the model's buffers, a learned baseline in its parameters, so a resumed run continues exactly).
 */
public interface DiscreteGradientEstimator extends GradientEstimator {
    /**
     * The objective's terms for one batch.
     *
     * @param problem the batch, the encoder's output, the decoder and the estimator's settings
     * @return the terms, whose sum is the loss
     */
    DiscreteEstimate estimate(DiscreteProblem problem);

    /** {@return whether the estimate is the k-sample bound (log of the mean of k importance weights), not the ELBO} */
    default boolean multiSampleBound() {
        return false;
    }

    /** {@return the fewest samples per row it needs (VIMCO's leave-one-out baselines need 2)} */
    default int minimumSamples() {
        return 1;
    }

    /** {@return whether it uses the model's learned input-dependent baseline (NVIL)} */
    default boolean usesInputBaseline() {
        return false;
    }

    /** {@return whether it draws a relaxed sample, hence reads the temperature} */
    default boolean relaxed() {
        return false;
    }
}
