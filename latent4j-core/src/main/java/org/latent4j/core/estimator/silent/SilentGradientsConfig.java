package org.latent4j.core.estimator.silent;

import org.latent4j.core.model.ConfigChecks;

/**
 * Settings of Silent Gradients (Shao, Liu and Van den Broeck, "Zero-Variance Gradients for Variational
 * Autoencoders", arXiv 2508.03587) for a model that uses them; null in a model's config means off.
 *
 * @param annealSteps optimizer steps over which the encoder's objective moves from the exact (zero-variance) term
 *                    of the linear decoder to the model's stochastic estimate (>= 1)
 */
public record SilentGradientsConfig(long annealSteps) {
    /** Validates the fields. */
    public SilentGradientsConfig {
        ConfigChecks.positive("SilentGradientsConfig", "annealSteps", annealSteps);
    }
}
