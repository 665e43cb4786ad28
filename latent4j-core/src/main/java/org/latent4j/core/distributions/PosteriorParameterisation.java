package org.latent4j.core.distributions;

/**
 * How an encoder's second linear head is read. Both give the same family of Gaussians; they differ in
 * scale (a unit step in LOG_STD is two in LOG_VARIANCE) and so in how optimisation behaves.
 */
public enum PosteriorParameterisation {
    /** The head is log sigma^2 (the common choice in VAE code). */
    LOG_VARIANCE,
    /** The head is log sigma, so sigma = exp(linear), as in the IWAE paper. */
    LOG_STD;

    /**
     * The log-variance for a head output h.
     *
     * @param head the encoder head's output
     * @return the log-variance
     */
    public org.latent4j.tensor.Tensor logVariance(org.latent4j.tensor.Tensor head) {
        return this == LOG_VARIANCE ? head : head.mul(2f);
    }
}
