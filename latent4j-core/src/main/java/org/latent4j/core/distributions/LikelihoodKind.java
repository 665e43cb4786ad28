package org.latent4j.core.distributions;

import java.util.Locale;

/** The reconstruction likelihood p(x|z) a model config names; {@link #create} builds it. */
public enum LikelihoodKind {
    /** Independent Bernoulli pixels (binarized data); the decoder outputs logits. */
    BERNOULLI,
    /** Gaussian with the decoder output as mean and a fixed standard deviation (the config's sigma). */
    GAUSSIAN_FIXED,
    /** Gaussian with a learned log-variance per feature. */
    GAUSSIAN_LEARNED;

    /**
     * {@return a likelihood of this kind}
     *
     * @param dataDim the number of data features
     * @param sigma the standard deviation, for a fixed Gaussian only
     */
    public Likelihood create(int dataDim, double sigma) {
        return switch (this) {
            case BERNOULLI -> new BernoulliLikelihood();
            case GAUSSIAN_FIXED -> GaussianLikelihood.fixed(sigma);
            case GAUSSIAN_LEARNED -> GaussianLikelihood.learned(dataDim);
        };
    }

    /**
     * "bernoulli", "gaussian-fixed", "gaussian-learned" (the names {@link Likelihood#name()} reports).
     *
     * @return the name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@return the kind of a command-line name; an IllegalArgumentException lists the names for any other}
     *
     * @param name the name, case and dashes as on the command line
     */
    public static LikelihoodKind parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (LikelihoodKind k : values()) if (k.name().equals(n)) return k;
        StringBuilder names = new StringBuilder();
        for (LikelihoodKind k : values()) names.append(names.isEmpty() ? "" : ", ").append(k.cliName());
        throw new IllegalArgumentException("unknown likelihood '" + name + "' (one of " + names + ")");
    }
}
