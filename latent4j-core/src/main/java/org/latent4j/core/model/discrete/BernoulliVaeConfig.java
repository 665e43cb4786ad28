package org.latent4j.core.model.discrete;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;

/**
 * Configuration of {@link BernoulliVae}: D binary latents under a Bernoulli(1/2) prior, MLPs. The compact constructor
 * validates every field and names the one at fault.
 *
 * @param dataDim         features per example (>= 1; required in saved configs)
 * @param latents         binary latents D, default 200 (the sigmoid belief networks of the NVIL and VIMCO papers)
 * @param encoderHidden   the encoder's hidden sizes, default [512, 256]
 * @param decoderHidden   the decoder's; null means the mirror of the encoder's
 * @param activation      hidden non-linearity, default ReLU
 * @param likelihood      p(x|z), default Bernoulli
 * @param likelihoodSigma standard deviation of a fixed Gaussian likelihood, default 1 (ignored otherwise)
 * @param samples         latent samples per example, default 1 (VIMCO's k, >= 2)
 * @param estimator       the gradient estimator, default "gumbel" (the binary Concrete relaxation)
 * @param temperature     the relaxed estimators' temperature schedule, default {@link Temperature#DEFAULT}
 * @param silent          Silent Gradients' settings, or null (the default) for none
 */
public record BernoulliVaeConfig(@Json.Required int dataDim, int latents, List<Integer> encoderHidden, List<Integer> decoderHidden, Activation activation,
                                 LikelihoodKind likelihood, double likelihoodSigma, int samples, String estimator, Temperature temperature,
                                 SilentGradientsConfig silent)
        implements DiscreteVaeSettings {
    private static final String NAME = "BernoulliVaeConfig";

    /** Validates every field. */
    public BernoulliVaeConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "latents", latents);
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
    public static BernoulliVaeConfig of(int dataDim) {
        return new BernoulliVaeConfig(dataDim, 200, List.of(512, 256), null, Activation.RELU, LikelihoodKind.BERNOULLI, 1.0, 1,
                CategoricalVaeConfig.DEFAULT_ESTIMATOR, Temperature.DEFAULT, null);
    }

    /** The defaults of every field a saved config may lack. */
    static BernoulliVaeConfig defaults() {
        return of(1);
    }

    /**
     * {@return this config with another number of latents}
     *
     * @param d binary latents
     */
    public BernoulliVaeConfig withLatents(int d) {
        return new BernoulliVaeConfig(dataDim, d, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with both hidden stacks: the encoder's as given, the decoder's its mirror}
     *
     * @param encoder the encoder's hidden sizes
     */
    public BernoulliVaeConfig withHidden(List<Integer> encoder) {
        return new BernoulliVaeConfig(dataDim, latents, encoder, null, activation, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param a the hidden activation
     */
    public BernoulliVaeConfig withActivation(Activation a) {
        return new BernoulliVaeConfig(dataDim, latents, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma, samples, estimator, temperature, silent);
    }

    /**
     * {@return this config with another estimator and sample count}
     *
     * @param name the estimator's name
     * @param k    samples per example
     */
    public BernoulliVaeConfig withEstimator(String name, int k) {
        return new BernoulliVaeConfig(dataDim, latents, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, k, name, temperature, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param t the temperature schedule
     */
    public BernoulliVaeConfig withTemperature(Temperature t) {
        return new BernoulliVaeConfig(dataDim, latents, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, t, silent);
    }

    /**
     * {@return this config with Silent Gradients' settings}
     *
     * @param s the settings, or null for none
     */
    public BernoulliVaeConfig withSilent(SilentGradientsConfig s) {
        return new BernoulliVaeConfig(dataDim, latents, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, samples, estimator, temperature, s);
    }
}
