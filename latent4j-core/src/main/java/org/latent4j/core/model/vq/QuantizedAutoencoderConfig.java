package org.latent4j.core.model.vq;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;

/**
 * The networks of a {@link QuantizedAutoencoder}, whatever its quantizer: an encoder to code vectors of
 * {@code codeDim} features at {@code positions()} places, the decoder back, and the likelihood.
 *
 * <p>MLP ({@code conv} null): x -> MLP -> groups * codeDim features, read as {@code groups} code vectors (one by
 * default) -> the same MLP shape mirrored. Convolutional: x -> the convolutions of {@code conv} -> at every place of
 * the h x w grid, the same MLP from the feature maps' channels to codeDim (without hidden layers, the default, that is
 * a 1x1 convolution) -> one code vector per place (position-major: place p = row * w + column) -> at every place the
 * mirrored MLP (none without hidden layers) -> transposed convolutions back to the image. The conv form takes no
 * groups: its places are the grid's.
 *
 * @param dataDim         features per example (required)
 * @param codeDim         width of each code vector, the quantizer's dim (required)
 * @param groups          code vectors per example of the MLP form, default 1
 * @param encoderHidden   hidden sizes of the MLP encoder, default [512, 256]; of the conv form's per-place layers, default none
 * @param decoderHidden   hidden sizes of the decoder's MLP (or per-place layers); null means the mirror of the encoder's
 * @param activation      hidden non-linearity, default ReLU
 * @param likelihood      p(x | codes), default a Gaussian of fixed standard deviation: its -log p is the squared
 *                        error scaled by 1/(2 sigma^2) plus a constant, the mean squared error VQ-VAEs are trained on
 *                        and judged by
 * @param likelihoodSigma that standard deviation, default 0.1 (for intensities in [0, 1]: with the per-place
 *                        quantizer loss this weighs the two terms about as the common MSE / data-variance recipe does)
 * @param conv            the convolutions for images, or null for MLPs (the default)
 * @param sampling        how samples draw codes, default {@link CodeSampling#EMPIRICAL}
 */
public record QuantizedAutoencoderConfig(@Json.Required int dataDim, @Json.Required int codeDim, int groups, List<Integer> encoderHidden,
                                         List<Integer> decoderHidden, Activation activation, LikelihoodKind likelihood, double likelihoodSigma,
                                         ConvArchitecture conv, CodeSampling sampling) {
    private static final String NAME = "QuantizedAutoencoderConfig";

    /** Checks the sizes and copies the hidden sizes. */
    public QuantizedAutoencoderConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "codeDim", codeDim);
        ConfigChecks.positive(NAME, "groups", groups);
        encoderHidden = ConfigChecks.hidden(NAME, "encoderHidden", encoderHidden);
        decoderHidden = decoderHidden == null ? ConfigChecks.mirror(encoderHidden) : ConfigChecks.hidden(NAME, "decoderHidden", decoderHidden);
        ConfigChecks.required(NAME, "activation", activation);
        ConfigChecks.required(NAME, "likelihood", likelihood);
        ConfigChecks.positiveFinite(NAME, "likelihoodSigma", likelihoodSigma);
        ConfigChecks.required(NAME, "sampling", sampling);
        if (conv != null) {
            if (conv.imageFeatures() != dataDim) {
                throw new IllegalArgumentException(NAME + ".conv takes images of " + conv.image() + " = " + conv.imageFeatures() + " features, but dataDim is "
                        + dataDim);
            }
            if (groups != 1) {
                throw new IllegalArgumentException(NAME + ": the convolutional form quantizes every place of its grid; it takes no groups, got " + groups);
            }
        }
    }

    /**
     * The MLP defaults for data of {@code dataDim} features and codes of {@code codeDim}.
     *
     * @param dataDim the data's features
     * @param codeDim the width of each code vector
     * @return the config
     */
    public static QuantizedAutoencoderConfig of(int dataDim, int codeDim) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, 1, List.of(512, 256), null, Activation.RELU, LikelihoodKind.GAUSSIAN_FIXED, 0.1, null,
                CodeSampling.EMPIRICAL);
    }

    /** The defaults of every field a saved config may lack (the sizes are required). */
    static QuantizedAutoencoderConfig defaults() {
        return of(1, 1);
    }

    /**
     * Code vectors per example: the groups of the MLP form, the grid's h * w for the conv form.
     *
     * @return the number of code vectors
     */
    public int positions() {
        if (conv == null) return groups;
        int[] f = conv.featureShape();
        return f[1] * f[2];
    }

    /**
     * The width of the whole code, positions * codeDim (the model's latentDim).
     *
     * @return the width
     */
    public int latentDim() {
        return positions() * codeDim;
    }

    /**
     * {@return this config with {@code g} code vectors per example}
     *
     * @param g the groups
     */
    public QuantizedAutoencoderConfig withGroups(int g) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, g, encoderHidden, null, activation, likelihood, likelihoodSigma, conv, sampling);
    }

    /**
     * {@return this config with these encoder hidden sizes, mirrored in the decoder}
     *
     * @param encoder the sizes, from the input
     */
    public QuantizedAutoencoderConfig withHidden(List<Integer> encoder) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, groups, encoder, null, activation, likelihood, likelihoodSigma, conv, sampling);
    }

    /**
     * {@return this config with another activation}
     *
     * @param a the activation
     */
    public QuantizedAutoencoderConfig withActivation(Activation a) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, groups, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma, conv, sampling);
    }

    /**
     * {@return this config with another likelihood}
     *
     * @param kind the likelihood
     * @param sigma the standard deviation of a fixed Gaussian
     */
    public QuantizedAutoencoderConfig withLikelihood(LikelihoodKind kind, double sigma) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, groups, encoderHidden, decoderHidden, activation, kind, sigma, conv, sampling);
    }

    /**
     * The convolutional form with these convolutions (no per-place hidden layers, one group), or the MLP form for null.
     *
     * @param c the architecture, or null
     * @return the config
     */
    public QuantizedAutoencoderConfig withConv(ConvArchitecture c) {
        if (c == null) return new QuantizedAutoencoderConfig(dataDim, codeDim, groups, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma,
                null, sampling);
        return new QuantizedAutoencoderConfig(dataDim, codeDim, 1, List.of(), List.of(), activation, likelihood, likelihoodSigma, c, sampling);
    }

    /**
     * {@return this config with another way of drawing codes for samples}
     *
     * @param s the sampling
     */
    public QuantizedAutoencoderConfig withSampling(CodeSampling s) {
        return new QuantizedAutoencoderConfig(dataDim, codeDim, groups, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, conv, s);
    }
}
