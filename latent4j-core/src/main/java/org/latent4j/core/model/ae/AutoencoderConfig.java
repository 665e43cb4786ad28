package org.latent4j.core.model.ae;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;

/**
 * A deterministic autoencoder: x -> encoder -> code z -> decoder -> likelihood parameters, trained on
 * -log p(x | z) (cross-entropy for Bernoulli, scaled squared error for a fixed Gaussian).
 *
 * @param dataDim         features per example (>= 1; required in saved configs)
 * @param latentDim       code size (>= 1; required in saved configs)
 * @param encoderHidden   encoder hidden sizes, default [200, 200]; empty for an affine encoder
 * @param decoderHidden   decoder hidden sizes; null means the mirror of the encoder's
 * @param activation      hidden non-linearity, default tanh
 * @param likelihood      p(x|z), default Bernoulli
 * @param likelihoodSigma standard deviation of {@link LikelihoodKind#GAUSSIAN_FIXED}, default 1
 */
public record AutoencoderConfig(@Json.Required int dataDim, @Json.Required int latentDim, List<Integer> encoderHidden, List<Integer> decoderHidden,
                                Activation activation, LikelihoodKind likelihood, double likelihoodSigma) {
    private static final String NAME = "AutoencoderConfig";

    public AutoencoderConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "latentDim", latentDim);
        encoderHidden = ConfigChecks.hidden(NAME, "encoderHidden", encoderHidden);
        decoderHidden = decoderHidden == null ? ConfigChecks.mirror(encoderHidden) : ConfigChecks.hidden(NAME, "decoderHidden", decoderHidden);
        ConfigChecks.required(NAME, "activation", activation);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "likelihoodSigma", likelihoodSigma);
    }

    public static AutoencoderConfig of(int dataDim, int latentDim) {
        return new AutoencoderConfig(dataDim, latentDim, List.of(200, 200), null, Activation.TANH, LikelihoodKind.BERNOULLI, 1.0);
    }

    /** The defaults of every field a saved config may lack (the dimensions are required). */
    static AutoencoderConfig defaults() {
        return of(1, 1);
    }

    public AutoencoderConfig withHidden(List<Integer> encoder) {
        return new AutoencoderConfig(dataDim, latentDim, encoder, null, activation, likelihood, likelihoodSigma);
    }

    public AutoencoderConfig withActivation(Activation a) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma);
    }

    public AutoencoderConfig withLikelihood(LikelihoodKind kind, double sigma) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, kind, sigma);
    }
}
