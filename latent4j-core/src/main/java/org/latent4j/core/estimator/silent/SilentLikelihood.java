package org.latent4j.core.estimator.silent;

/**
 * The likelihood of the {@link SilentDecoder}: one whose expectation under the posterior, through a linear decoder,
 * is exact. A Gaussian N(x; W z + b, sigma^2) qualifies for every latent family, since its expected log-density
 * depends on z only through the first two moments of W z + b; a Bernoulli likelihood of logits W z + b does not
 * (the expected softplus of a sum of latents has no closed form, and summing over the K^n configurations of n
 * categorical groups is exponential), so it is not offered.
 */
public enum SilentLikelihood {
    /** One learned variance for every feature (probabilistic PCA's): stable on images with constant pixels. */
    GAUSSIAN_SHARED,
    /** A learned variance per feature, floored as the models' learned Gaussian likelihood is. */
    GAUSSIAN_LEARNED,
    /** A fixed standard deviation (the config's sigma). */
    GAUSSIAN_FIXED;

    /** {@return the name on the command line and in saved configs' messages: "gaussian-shared", ...} */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
