package org.latent4j.core.eval;

/**
 * The mutual information I_q(x; z) between the data and the code under the encoder (He et al. 2019,
 * "Lagging inference networks"): I = E_x[KL(q(z|x) || p(z))] - KL(q(z) || p(z)), where q(z) is the
 * aggregate posterior, the mixture of q(z|x_j) over the examples.
 *
 * <p>Estimated as (1/M) sum_i [log q(z_i|x_i) - log (1/M) sum_j q(z_i|x_j)] with one z_i ~ q(z|x_i) per
 * example, over M examples. Since the j = i term is in the sum, the estimate can never exceed log M: a
 * mixture of a minibatch's posteriors says at most log(batch size) nats, so a small M understates a large
 * I. {@link #upperBound()} is that log M, and {@link #examples()} says how many examples it used.
 *
 * @param nats           the estimate of I_q(x; z)
 * @param examples       M, the examples whose posteriors form q(z) (and at which it is evaluated)
 * @param availableExamples the examples in the evaluation set (M is smaller when capped)
 * @param upperBound     log M, the largest value the estimator can return
 * @param meanKl         E_x[KL(q(z|x) || N(0, I))] over the same M examples
 * @param aggregateKl    meanKl - nats, the estimate of KL(q(z) || N(0, I)); being a difference of two
 *                       estimates it can come out slightly negative when q(z) is close to the prior
 */
public record MutualInformation(double nats, int examples, int availableExamples, double upperBound,
                                double meanKl, double aggregateKl) {}
