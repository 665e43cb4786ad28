package org.latent4j.core.estimator;

/**
 * The kinds of stochastic latent a gradient estimator can serve: which estimators apply to a model is decided by
 * the family of its latent, not by the model.
 */
public enum LatentFamily {
    /** Continuous latents with a diagonal Gaussian posterior (reparameterizable). */
    GAUSSIAN,
    /** n groups of K categories each (one-hot codes). */
    CATEGORICAL,
    /** Independent binary latents. */
    BERNOULLI;

    /** {@return the family's name in messages: "gaussian", "categorical", "bernoulli"} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
