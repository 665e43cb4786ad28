package org.latent4j.core.estimator.silent;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;

/**
 * Settings of Silent Gradients (Shao, Liu and Van den Broeck, "Zero-Variance Gradients for Variational
 * Autoencoders", arXiv 2508.03587) for a model that uses them; null in a model's config means off.
 *
 * <p>A {@link SilentDecoder} (linear, beside the model's own decoder) is fed the posterior's parameters and gives
 * the exact expected reconstruction log-likelihood; the encoder's reconstruction gradient is
 * {@code w * exact + (1 - w) * stochastic} with {@code w} falling linearly from 1 at step 0 to 0 at
 * {@code annealSteps} ({@link SilentGradients#exactWeight}).
 *
 * @param annealSteps optimizer steps over which the encoder's objective moves from the exact (zero-variance) term
 *                    of the linear decoder to the model's stochastic estimate (>= 1; required in saved configs)
 * @param likelihood  the linear decoder's likelihood, default {@link SilentLikelihood#GAUSSIAN_SHARED}
 * @param sigma       its standard deviation for {@link SilentLikelihood#GAUSSIAN_FIXED}, default 1 (ignored otherwise)
 */
public record SilentGradientsConfig(@Json.Required long annealSteps, SilentLikelihood likelihood, double sigma) {
    private static final String NAME = "SilentGradientsConfig";

    /** Validates the fields. */
    public SilentGradientsConfig {
        ConfigChecks.positive(NAME, "annealSteps", annealSteps);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "sigma", sigma);
    }

    /**
     * The defaults with this schedule: a Gaussian likelihood with one learned variance.
     *
     * @param annealSteps optimizer steps of the schedule
     */
    public SilentGradientsConfig(long annealSteps) {
        this(annealSteps, SilentLikelihood.GAUSSIAN_SHARED, 1.0);
    }

    /** The defaults of a saved config's missing keys (the schedule's length is required). */
    static SilentGradientsConfig defaults() {
        return new SilentGradientsConfig(1);
    }
}
