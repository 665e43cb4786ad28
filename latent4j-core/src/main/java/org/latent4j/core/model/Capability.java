package org.latent4j.core.model;

/**
 * What a model kind can do beyond training, encoding and decoding. Each capability is an interface its models
 * implement (or, for the code kinds, the {@link LatentCode} their encoder returns); a kind declares them so that
 * help texts and tests can list them without building a model, and {@code ModelKindContractTest} checks that
 * every declaration is true.
 */
public enum Capability {
    /** Importance-sampled log-likelihood and ELBO: the models implement {@link LikelihoodBound}. */
    LIKELIHOOD_BOUND,
    /** Generation from the prior: the models implement {@link PriorSampling}. */
    PRIOR_SAMPLING,
    /** Conditioned on a class label: {@link LatentModel#conditionClasses()} is positive. */
    CONDITIONAL,
    /** The encoder gives {@link LatentCode.Gaussian} posteriors. */
    GAUSSIAN_CODES,
    /** The encoder gives {@link LatentCode.Deterministic} codes. */
    DETERMINISTIC_CODES,
    /** The encoder gives {@link LatentCode.Discrete} codes. */
    DISCRETE_CODES,
    /** The encoder gives {@link LatentCode.Sparse} codes. */
    SPARSE_CODES;

    /**
     * The command-line word: lower case, '-' for '_'.
     *
     * @return the word
     */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
