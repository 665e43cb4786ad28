package org.latent4j.core.model;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Tensor;

/**
 * A model with one diagonal Gaussian posterior whose ELBO can be computed under any such posterior, not only the one
 * its encoder gives. With it a caller can refine q(z|x) row by row with the decoder fixed
 * (iterative inference) and compare the refined bound with the amortised one: the likelihood regret
 * ({@code eval.LikelihoodRegret}), a score for anomalies the encoder was never fitted to.
 */
public interface IterativeInference extends LikelihoodBound {
    /**
     * The encoder's posterior q(z|x) (with the condition for a conditional model).
     *
     * @param x         the rows, [b, features]
     * @param condition their conditions, [b, c], or null
     * @return the posterior over [b, latent]
     */
    DiagonalGaussian posterior(Tensor x, Tensor condition);

    /**
     * log p(x|z) - KL(q || p(z)) for the samples z = mean + exp(logVar / 2) eps of a given posterior q: each is an
     * unbiased estimate of q's ELBO, the KL taken in closed form (less noise than log p(z) - log q(z) sampled),
     * differentiable in q's mean and log-variance.
     *
     * @param x         the rows, [b, features]
     * @param condition their conditions, [b, c], or null
     * @param posterior any diagonal Gaussian over [b, latent]
     * @param eps       standard normal noise, [k, b, latent]
     * @return the ELBO estimates, [k, b]
     */
    Tensor elboSamples(Tensor x, Tensor condition, DiagonalGaussian posterior, Tensor eps);
}
