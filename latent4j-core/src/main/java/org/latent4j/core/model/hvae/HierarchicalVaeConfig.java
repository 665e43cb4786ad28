package org.latent4j.core.model.hvae;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;

/**
 * The two-stochastic-layer model of the IWAE paper (architecture 2): q(z1|x) q(z2|z1) and
 * p(z2) p(z1|z2) p(x|z1), all conditionals diagonal Gaussians except the likelihood. Defaults are the
 * paper's: x -> 200-200 tanh -> z1 (100) -> 100-100 tanh -> z2 (50), decoders mirrored.
 *
 * @param dataDim         features per example (>= 1; required in saved configs)
 * @param latent1Dim      size of z1, the layer next to the data (default 100)
 * @param latent2Dim      size of z2, the top layer (default 50)
 * @param hidden1         hidden sizes between x and z1 (in q(z1|x); mirrored in p(x|z1)), default [200, 200]
 * @param hidden2         hidden sizes between z1 and z2 (in q(z2|z1); mirrored in p(z1|z2)), default [100, 100]
 * @param activation      hidden non-linearity, default tanh
 * @param likelihood      p(x|z1), default Bernoulli
 * @param likelihoodSigma standard deviation of {@link LikelihoodKind#GAUSSIAN_FIXED}, default 1
 * @param posterior       reading of every variance head, default {@link PosteriorParameterisation#LOG_STD} (the paper's)
 * @param samples         samples k of (z1, z2) per example, default 1
 * @param objective       the k-sample ELBO (VAE) or the bound L_k (IWAE); default ELBO
 * @param conv            convolutional encoder q(z1|x) and decoder p(x|z1) for images (hidden1 then lies between the
 *                        convolutions' features and z1), or null for MLPs (the default)
 * @param estimator       the gradient estimator's name ({@link org.latent4j.core.estimator.gaussian.GaussianEstimator}),
 *                        default "reparam"; "stl" on either objective, "dreg" on the IWAE objective
 */
public record HierarchicalVaeConfig(@Json.Required int dataDim, int latent1Dim, int latent2Dim, List<Integer> hidden1, List<Integer> hidden2,
                                    Activation activation, LikelihoodKind likelihood, double likelihoodSigma,
                                    PosteriorParameterisation posterior, int samples, Objective objective, ConvArchitecture conv,
                                    String estimator) {
    private static final String NAME = "HierarchicalVaeConfig";

    /** The training objective over k samples of the log weights w_i = log p(x, z_i) - log q(z_i|x). */
    public enum Objective {
        /** mean_i w_i: the average of k single-sample ELBOs ("VAE with k samples"). */
        ELBO,
        /** log mean_i exp(w_i): the importance-weighted bound L_k. */
        IWAE
    }

    /** Checks the sizes and copies the hidden sizes. */
    public HierarchicalVaeConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        if (conv != null && conv.imageFeatures() != dataDim) {
            throw new IllegalArgumentException(NAME + ".conv takes images of " + conv.image() + " = " + conv.imageFeatures() + " features, but dataDim is " + dataDim);
        }
        ConfigChecks.positive(NAME, "latent1Dim", latent1Dim);
        ConfigChecks.positive(NAME, "latent2Dim", latent2Dim);
        hidden1 = ConfigChecks.hidden(NAME, "hidden1", hidden1);
        hidden2 = ConfigChecks.hidden(NAME, "hidden2", hidden2);
        ConfigChecks.required(NAME, "activation", activation);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "likelihoodSigma", likelihoodSigma);
        ConfigChecks.required(NAME, "posterior", posterior);
        ConfigChecks.positive(NAME, "samples", samples);
        ConfigChecks.required(NAME, "objective", objective);
        if (estimator == null || estimator.isBlank()) throw new IllegalArgumentException(NAME + ".estimator must name a gradient estimator, got " + estimator);
    }

    /**
     * The IWAE paper's architecture 2 for data of {@code dataDim} features.
     *
     * @param dataDim the data's features
     * @return the config
     */
    public static HierarchicalVaeConfig of(int dataDim) {
        return new HierarchicalVaeConfig(dataDim, 100, 50, List.of(200, 200), List.of(100, 100), Activation.TANH,
                LikelihoodKind.BERNOULLI, 1.0, PosteriorParameterisation.LOG_STD, 1, Objective.ELBO, null, "reparam");
    }

    /** The defaults of every field a saved config may lack (the data dimension is required). */
    static HierarchicalVaeConfig defaults() {
        return of(1);
    }

    /**
     * {@return this config with other layer sizes}
     *
     * @param latent1 the size of z1
     * @param latent2 the size of z2
     * @param h1 the hidden sizes between x and z1
     * @param h2 the hidden sizes between z1 and z2
     */
    public HierarchicalVaeConfig withSizes(int latent1, int latent2, List<Integer> h1, List<Integer> h2) {
        return new HierarchicalVaeConfig(dataDim, latent1, latent2, h1, h2, activation, likelihood, likelihoodSigma, posterior, samples, objective, conv, estimator);
    }

    /**
     * The non-linearity of every hidden layer, in the four networks.
     *
     * @param a the activation
     * @return the config
     */
    public HierarchicalVaeConfig withActivation(Activation a) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, a, likelihood, likelihoodSigma, posterior, samples, objective, conv, estimator);
    }

    /**
     * The reading of the variance heads of q(z1|x), q(z2|z1) and p(z1|z2).
     *
     * @param p the parameterisation
     * @return the config
     */
    public HierarchicalVaeConfig withPosterior(PosteriorParameterisation p) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, activation, likelihood, likelihoodSigma, p, samples, objective, conv, estimator);
    }

    /**
     * {@return this config with another likelihood}
     *
     * @param kind the likelihood
     * @param sigma the standard deviation of a fixed Gaussian
     */
    public HierarchicalVaeConfig withLikelihood(LikelihoodKind kind, double sigma) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, activation, kind, sigma, posterior, samples, objective, conv, estimator);
    }

    /**
     * {@return this config with another objective}
     *
     * @param o the objective
     * @param k the samples per example
     */
    public HierarchicalVaeConfig withObjective(Objective o, int k) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, activation, likelihood, likelihoodSigma, posterior, k, o, conv, estimator);
    }

    /**
     * Convolutional encoder and decoder of this architecture (null for MLPs).
     *
     * @param c the architecture, or null
     * @return the config
     */
    public HierarchicalVaeConfig withConv(ConvArchitecture c) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, activation, likelihood, likelihoodSigma, posterior, samples, objective, c, estimator);
    }

    /**
     * {@return this config with another gradient estimator}
     *
     * @param name the estimator's registered name
     */
    public HierarchicalVaeConfig withEstimator(String name) {
        return new HierarchicalVaeConfig(dataDim, latent1Dim, latent2Dim, hidden1, hidden2, activation, likelihood, likelihoodSigma, posterior, samples, objective, conv,
                name);
    }
}
