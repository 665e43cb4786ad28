package org.latent4j.core.model.discrete;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;

/**
 * Configuration of {@link CategoricalVae}: n groups of K categories, a uniform prior, MLPs. The compact constructor
 * validates every field and names the one at fault.
 *
 * @param dataDim         features per example (>= 1; required in saved configs)
 * @param groups          categorical variables n, default 20 (Jang et al.'s 20 x 10 on MNIST)
 * @param categories      categories K of each (>= 2), default 10
 * @param encoderHidden   the encoder's hidden sizes, default [512, 256]
 * @param decoderHidden   the decoder's; null means the mirror of the encoder's
 * @param activation      hidden non-linearity, default ReLU
 * @param likelihood      p(x|z), default Bernoulli
 * @param likelihoodSigma standard deviation of a fixed Gaussian likelihood, default 1 (ignored otherwise)
 * @param samples         latent samples per example, default 1: the mean of k single-sample estimates, or the k of
 *                        VIMCO's bound (which needs >= 2)
 * @param estimator       the gradient estimator, default "gumbel" (see {@code docs/estimators.md})
 * @param temperature     the relaxed estimators' temperature schedule, default {@link Temperature#DEFAULT}
 * @param silent          Silent Gradients' settings, or null (the default) for none
 */
public record CategoricalVaeConfig(@Json.Required int dataDim, int groups, int categories, List<Integer> encoderHidden, List<Integer> decoderHidden,
                                   Activation activation, LikelihoodKind likelihood, double likelihoodSigma, int samples, String estimator,
                                   Temperature temperature, SilentGradientsConfig silent) implements DiscreteVaeSettings {
    private static final String NAME = "CategoricalVaeConfig";
    /** The estimator of a config that names none. */
    public static final String DEFAULT_ESTIMATOR = "gumbel";

    /** Validates every field. */
    public CategoricalVaeConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "groups", groups);
        if (categories < 2) throw new IllegalArgumentException(NAME + ".categories must be >= 2, got " + categories);
        encoderHidden = ConfigChecks.hidden(NAME, "encoderHidden", encoderHidden);
        decoderHidden = decoderHidden == null ? ConfigChecks.mirror(encoderHidden) : ConfigChecks.hidden(NAME, "decoderHidden", decoderHidden);
        ConfigChecks.required(NAME, "activation", activation);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "likelihoodSigma", likelihoodSigma);
        ConfigChecks.positive(NAME, "samples", samples);
        if (estimator == null || estimator.isBlank()) throw new IllegalArgumentException(NAME + ".estimator must name a gradient estimator, got " + estimator);
        ConfigChecks.required(NAME, "temperature", temperature);
    }

    /**
     * The defaults for data of a width.
     *
     * @param dataDim features per example
     * @return the config
     */
    public static CategoricalVaeConfig of(int dataDim) {
        return new CategoricalVaeConfig(dataDim, 20, 10, List.of(512, 256), null, Activation.RELU, LikelihoodKind.BERNOULLI, 1.0, 1,
                DEFAULT_ESTIMATOR, Temperature.DEFAULT, null);
    }

    /** The defaults of every field a saved config may lack. */
    static CategoricalVaeConfig defaults() {
        return of(1);
    }

    /**
     * {@return this config with other latents}
     *
     * @param n groups
     * @param k categories of each
     */
    public CategoricalVaeConfig withLatents(int n, int k) {
        return new CategoricalVaeConfig(dataDim, n, k, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with both hidden stacks: the encoder's as given, the decoder's its mirror}
     *
     * @param encoder the encoder's hidden sizes
     */
    public CategoricalVaeConfig withHidden(List<Integer> encoder) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoder, null, activation, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param a the hidden activation
     */
    public CategoricalVaeConfig withActivation(Activation a) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param kind the likelihood
     * @param sigma a fixed Gaussian's standard deviation
     */
    public CategoricalVaeConfig withLikelihood(LikelihoodKind kind, double sigma) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoderHidden, decoderHidden, activation, kind, sigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with another estimator and sample count}
     *
     * @param name the estimator's name
     * @param k    samples per example
     */
    public CategoricalVaeConfig withEstimator(String name, int k) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, k, name, temperature, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param t the temperature schedule
     */
    public CategoricalVaeConfig withTemperature(Temperature t) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, t, silent);
    }

    /**
     * {@return this config with Silent Gradients' settings}
     *
     * @param s the settings, or null for none
     */
    public CategoricalVaeConfig withSilent(SilentGradientsConfig s) {
        return new CategoricalVaeConfig(dataDim, groups, categories, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, temperature, s);
    }
}
