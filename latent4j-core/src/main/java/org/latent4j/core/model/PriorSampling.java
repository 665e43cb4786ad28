package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** A model that generates: codes drawn from its prior, decoded. */
public interface PriorSampling {
    /**
     * n samples from the prior (with a condition [n, c] for a conditional model), decoded to likelihood parameters [n, d * p].
     *
     * @param n the number of samples
     * @param condition the condition, [n, c], or null
     * @param rng draws the samples
     * @return the likelihood parameters
     */
    Tensor samplePrior(int n, Tensor condition, Rng rng);

    /**
     * The {@link #samplePrior} of a model whose prior is N(0, I) over its latents: n standard normal codes, decoded.
     *
     * @param model     the model (its latent width and decoder)
     * @param n         the number of samples, at least 1
     * @param condition the condition, [n, c], or null
     * @param rng       draws the codes
     * @return the likelihood parameters [n, d * p]
     */
    static Tensor decodeStandardNormal(LatentModel model, int n, Tensor condition, Rng rng) {
        if (n < 1) throw new IllegalArgumentException(model.kind() + ".samplePrior: n must be >= 1, got " + n);
        return model.decode(rng.normal(0f, 1f, n, model.latentDim()), condition);
    }
}
