package org.latent4j.core.eval;

/**
 * The averages of a {@link LogLikelihoodResult}, as reported (per-example values are left out).
 *
 * @param k                 importance samples per example
 * @param samplesPerCall    samples per model call
 * @param seed              the seed of the samples
 * @param logLikelihood     mean of L_k over the examples, with its standard error
 * @param nll               -logLikelihood.mean, the negative log-likelihood in nats
 * @param elbo              mean ELBO, with its standard error
 * @param effectiveSampleSizeMean mean effective sample size (between 1 and k)
 */
public record LogLikelihoodSummary(int k, int samplesPerCall, long seed, Estimate logLikelihood, double nll, Estimate elbo,
                                   double effectiveSampleSizeMean) {
    /**
     * {@return the summary of a result}
     *
     * @param r an estimator's result
     */
    public static LogLikelihoodSummary of(LogLikelihoodResult r) {
        return new LogLikelihoodSummary(r.samples(), r.samplesPerCall(), r.seed(), r.logLikelihood(), -r.logLikelihood().mean(), r.elbo(),
                r.effectiveSampleSize().mean());
    }
}
