package org.latent4j.core.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.latent4j.core.model.GaussianHierarchy;
import org.latent4j.core.model.IterativeInference;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;

/**
 * The per-row anomaly scores of a trained model, each oriented so that higher means more anomalous
 * ({@link AnomalyScorer} computes them). Which a model gives follows its capabilities: the likelihood scores need a
 * {@link LikelihoodBound}, the reconstruction error any model.
 */
public enum AnomalyScore {
    /** -L_k, the importance-sampled estimate of -log p(x) with k samples ({@link LogLikelihoodEstimator}). */
    NLL,
    /** -ELBO, estimated as the mean of -log w over the k samples drawn for {@link #NLL}. */
    NEG_ELBO,
    /**
     * -log p(x | code) with the code the encoder gives (the posterior mean, the quantized vector, the sparse code):
     * for a Bernoulli likelihood the binary cross-entropy summed over features, for a fixed-variance Gaussian
     * |x - mean|^2 / (2 sigma^2) plus a constant (so it ranks rows as the squared error does), for a learned variance
     * the squared errors weighted by each feature's precision plus the log-variances, and for a sparse autoencoder's
     * squared-error likelihood its squared error plus a constant.
     */
    RECONSTRUCTION,
    /**
     * The reconstruction probability of An and Cho (2015), negated: -log (1/L) sum_l p(x | z_l), z_l ~ q(z|x). The
     * average is over probabilities (a log-mean-exp of log p(x|z_l)), not over log-probabilities. It needs one
     * Gaussian posterior, so a hierarchy of latent layers does not give it.
     */
    RECONSTRUCTION_PROBABILITY,
    /**
     * The likelihood regret of Xiao et al. (2020) ({@link LikelihoodRegret}): how much a row's ELBO improves when its
     * posterior is fitted to it with the decoder fixed. It needs one Gaussian posterior to refine
     * ({@link IterativeInference}).
     */
    LIKELIHOOD_REGRET;

    /**
     * The command-line word: "nll", "neg-elbo", "reconstruction", "reconstruction-probability", "likelihood-regret".
     *
     * @return the word
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@return the command-line words of every score, in declaration order} */
    public static List<String> words() {
        return Arrays.stream(values()).map(AnomalyScore::word).toList();
    }

    /**
     * The score of a command-line word; an IllegalArgumentException listing the words for any other.
     *
     * @param word the word
     * @return the score
     */
    public static AnomalyScore fromWord(String word) {
        for (AnomalyScore s : values()) if (s.word().equals(word)) return s;
        throw new IllegalArgumentException("unknown score '" + word + "' (known: " + String.join(", ", words()) + ")");
    }

    /**
     * Why {@code model} cannot give this score, or null when it can.
     *
     * @param model the model
     * @return the reason, or null
     */
    public String unsupportedReason(LatentModel model) {
        return switch (this) {
            case NLL, NEG_ELBO -> model instanceof LikelihoodBound ? null
                    : "the " + model.kind() + " model has no prior and posterior, so no likelihood; use --score reconstruction";
            case RECONSTRUCTION -> null;
            case RECONSTRUCTION_PROBABILITY -> !(model instanceof LikelihoodBound)
                    ? "the " + model.kind() + " model has no posterior to sample codes from; use --score reconstruction"
                    : model instanceof GaussianHierarchy
                    ? "the " + model.kind() + " model's posterior is a hierarchy of layers, not one Gaussian; use --score nll"
                    : null;
            case LIKELIHOOD_REGRET -> model instanceof IterativeInference ? null
                    : "the " + model.kind() + " model has no single Gaussian posterior to refine; use --score "
                    + (model instanceof LikelihoodBound ? "nll" : "reconstruction");
        };
    }

    /**
     * The scores {@code model} gives, in declaration order.
     *
     * @param model the model
     * @return the scores
     */
    public static List<AnomalyScore> supportedBy(LatentModel model) {
        return Arrays.stream(values()).filter(s -> s.unsupportedReason(model) == null).toList();
    }
}
