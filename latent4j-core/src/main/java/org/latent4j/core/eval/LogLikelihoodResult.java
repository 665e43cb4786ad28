package org.latent4j.core.eval;

/**
 * Per-example and averaged results of {@link LogLikelihoodEstimator}; log-likelihoods in nats (the
 * negative log-likelihood, NLL, is {@code -logLikelihood().mean()}).
 *
 * @param samples            k importance samples per example
 * @param samplesPerCall     samples per model call (with the seed, what fixes the random streams)
 * @param seed               the seed
 * @param boundPerExample    L_k per example, the log-likelihood estimate
 * @param elboPerExample     the ELBO per example, mean of log w over the k samples
 * @param effectiveSampleSizePerExample (sum w)^2 / sum w^2 per example, between 1 and k
 */
public record LogLikelihoodResult(int samples, int samplesPerCall, long seed, double[] boundPerExample,
                                  double[] elboPerExample, double[] effectiveSampleSizePerExample) {
    /** Copies the arrays. */
    public LogLikelihoodResult {
        boundPerExample = LogLikelihoodEstimator.copy(boundPerExample);
        elboPerExample = LogLikelihoodEstimator.copy(elboPerExample);
        effectiveSampleSizePerExample = LogLikelihoodEstimator.copy(effectiveSampleSizePerExample);
    }

    /** {@return the number of examples} */
    public int examples() {
        return boundPerExample.length;
    }

    /** {@return the mean of L_k over the examples, with its standard error over examples} */
    public Estimate logLikelihood() {
        return Estimate.of(boundPerExample);
    }

    /** {@return the mean ELBO over the examples, with its standard error over examples} */
    public Estimate elbo() {
        return Estimate.of(elboPerExample);
    }

    /** {@return the mean effective sample size over the examples} */
    public Estimate effectiveSampleSize() {
        return Estimate.of(effectiveSampleSizePerExample);
    }

    /** {@return a copy of L_k per example, in the rows' order} */
    @Override
    public double[] boundPerExample() {
        return LogLikelihoodEstimator.copy(boundPerExample);
    }

    /** {@return a copy of the ELBO per example} */
    @Override
    public double[] elboPerExample() {
        return LogLikelihoodEstimator.copy(elboPerExample);
    }

    /** {@return a copy of the effective sample size per example} */
    @Override
    public double[] effectiveSampleSizePerExample() {
        return LogLikelihoodEstimator.copy(effectiveSampleSizePerExample);
    }
}
