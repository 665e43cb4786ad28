package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A model with a prior and a posterior, hence importance weights: the log-likelihood estimate L_k
 * ({@code eval.LogLikelihoodEstimator}), the ELBO, and anomaly scores built on them.
 */
public interface LikelihoodBound {
    /**
     * log importance weights log p(x, z_i) - log q(z_i | x) for k samples z_i ~ q(z|x): shape [k, b].
     * logmeanexp over the first axis is the IWAE bound L_k; with k = 1 its mean is the ELBO, and with
     * large k it estimates log p(x).
     *
     * @param x the rows, [b, features]
     * @param condition the condition, [b, c], or null
     * @param k the samples per row
     * @param rng draws the samples
     * @return the log weights, [k, b]
     */
    Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng);
}
