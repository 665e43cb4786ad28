package org.latent4j.core.eval;

/**
 * How well the decoder reproduces the data from the code of each example (the posterior mean for a Gaussian code,
 * the quantized vector for a discrete one): -log p(x | code) and the squared error of the decoded mean, each summed
 * over the features, as means over the examples with their standard errors; and the fraction of variance
 * unexplained.
 *
 * @param nll          -log p(x | code), nats per example
 * @param squaredError |x - E[x | code]|^2 per example
 * @param fractionOfVarianceUnexplained sum of the squared errors over the sum of squared deviations of x from its
 *                     mean over the evaluation set (the "normalized MSE" of Gao et al. 2024): 0 is perfect, 1 is no
 *                     better than predicting the mean; NaN when the data do not vary
 */
public record Reconstruction(Estimate nll, Estimate squaredError, double fractionOfVarianceUnexplained) {}
