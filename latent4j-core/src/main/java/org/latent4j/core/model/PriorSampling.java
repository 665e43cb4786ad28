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
}
