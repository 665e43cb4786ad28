package org.latent4j.core.model.ae;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;

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
 * @param conv           convolutional encoder and decoder for images (the hidden sizes then lie between the
 *                       convolutions' features and the latent code), or null for MLPs (the default)
 * @param vicregVariance  weight of VICReg's variance term on the batch's codes (Bardes et al. 2022: the hinge
 *                        max(0, 1 - sqrt(Var(z_j) + 1e-4)) averaged over the code's dimensions), default 0 (off)
 * @param vicregCovariance weight of VICReg's covariance term (the squared off-diagonal covariances of the batch's
 *                        codes, summed, over the code's size), default 0 (off)
 */
public record AutoencoderConfig(@Json.Required int dataDim, @Json.Required int latentDim, List<Integer> encoderHidden, List<Integer> decoderHidden,
                                Activation activation, LikelihoodKind likelihood, double likelihoodSigma, ConvArchitecture conv,
                                double vicregVariance, double vicregCovariance) {
    private static final String NAME = "AutoencoderConfig";

    /** Checks the sizes and copies the hidden sizes. */
    public AutoencoderConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        if (conv != null && conv.imageFeatures() != dataDim) {
            throw new IllegalArgumentException(NAME + ".conv takes images of " + conv.image() + " = " + conv.imageFeatures() + " features, but dataDim is " + dataDim);
        }
        ConfigChecks.positive(NAME, "latentDim", latentDim);
        encoderHidden = ConfigChecks.hidden(NAME, "encoderHidden", encoderHidden);
        decoderHidden = decoderHidden == null ? ConfigChecks.mirror(encoderHidden) : ConfigChecks.hidden(NAME, "decoderHidden", decoderHidden);
        ConfigChecks.required(NAME, "activation", activation);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "likelihoodSigma", likelihoodSigma);
        ConfigChecks.nonNegativeFinite(NAME, "vicregVariance", vicregVariance);
        ConfigChecks.nonNegativeFinite(NAME, "vicregCovariance", vicregCovariance);
    }

    /**
     * {@return the MLP defaults for data of {@code dataDim} features and a code of {@code latentDim}}
     *
     * @param dataDim the data's features
     * @param latentDim the code's size
     */
    public static AutoencoderConfig of(int dataDim, int latentDim) {
        return new AutoencoderConfig(dataDim, latentDim, List.of(200, 200), null, Activation.TANH, LikelihoodKind.BERNOULLI, 1.0, null, 0, 0);
    }

    /** The defaults of every field a saved config may lack (the dimensions are required). */
    static AutoencoderConfig defaults() {
        return of(1, 1);
    }

    /**
     * {@return this config with these encoder hidden sizes, mirrored in the decoder}
     *
     * @param encoder the sizes, from the input
     */
    public AutoencoderConfig withHidden(List<Integer> encoder) {
        return new AutoencoderConfig(dataDim, latentDim, encoder, null, activation, likelihood, likelihoodSigma, conv, vicregVariance, vicregCovariance);
    }

    /**
     * {@return this config with another activation}
     *
     * @param a the activation
     */
    public AutoencoderConfig withActivation(Activation a) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma, conv, vicregVariance, vicregCovariance);
    }

    /**
     * {@return this config with another likelihood}
     *
     * @param kind the likelihood
     * @param sigma the standard deviation of a fixed Gaussian
     */
    public AutoencoderConfig withLikelihood(LikelihoodKind kind, double sigma) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, kind, sigma, conv, vicregVariance, vicregCovariance);
    }

    /**
     * Convolutional encoder and decoder of this architecture (null for MLPs).
     *
     * @param c the architecture, or null
     * @return the config
     */
    public AutoencoderConfig withConv(ConvArchitecture c) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, c, vicregVariance, vicregCovariance);
    }

    /**
     * {@return this config with VICReg's terms on the codes}
     *
     * @param variance the variance term's weight (0 = off)
     * @param covariance the covariance term's weight (0 = off)
     */
    public AutoencoderConfig withVicReg(double variance, double covariance) {
        return new AutoencoderConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, conv, variance, covariance);
    }
}
