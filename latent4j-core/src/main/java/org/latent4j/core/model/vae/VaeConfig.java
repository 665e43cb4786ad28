package org.latent4j.core.model.vae;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;

/**
 * Configuration of a Gaussian-latent VAE and its variants (beta-VAE, capacity annealing, KL warm-up,
 * free bits, k-sample and importance-weighted objectives). Start from {@link #of} and change fields with
 * the {@code with...} methods; the compact constructor validates every field and names the one at fault.
 *
 * <p>The objective for a batch, with KL_j the analytic KL(q(z_j|x) || N(0,1)) of latent dimension j:
 * <pre>
 *   recon = mean_batch mean_k -log p(x | z_k),   z_k ~ q(z|x), k = samples
 *   R     = freeBits &gt; 0 ? sum_j max(freeBits, mean_batch KL_j) : mean_batch sum_j KL_j
 *   loss  = recon + (capacity == null ? w * R : capacity.gamma * |R - C(step)|)
 *   w     = beta * min(1, epochs / warmupEpochs)         (w = beta without warm-up)
 *   C     = capacity.max * min(1, step / capacity.steps)
 * </pre>
 * With samples = k this is the IWAE paper's "VAE with k samples" (the mean of k single-sample ELBOs,
 * with the KL term in closed form); the {@link Iwae} model reads {@code samples} as its k instead.
 *
 * @param dataDim        features per example (>= 1; required in saved configs)
 * @param latentDim      Gaussian latent dimensions (>= 1; required in saved configs)
 * @param encoderHidden  hidden layer sizes of the encoder, default [200, 200] (IWAE architecture 1);
 *                       empty for an affine encoder
 * @param decoderHidden  hidden layer sizes of the decoder; null means the mirror of the encoder's
 * @param activation     hidden non-linearity, default tanh (with Glorot initialisation)
 * @param likelihood     p(x|z), default Bernoulli
 * @param likelihoodSigma standard deviation of {@link LikelihoodKind#GAUSSIAN_FIXED}, default 1 (ignored otherwise)
 * @param posterior      reading of the encoder's variance head, default {@link PosteriorParameterisation#LOG_VARIANCE}
 * @param beta           weight of the KL term, default 1 (a beta-VAE when not 1)
 * @param capacity       Burgess et al. (2018) capacity schedule, replacing beta; default null (off)
 * @param warmupEpochs   epochs over which the KL weight rises linearly from 0 to beta; default 0 (off)
 * @param freeBits       Kingma et al. (2016) free-bits floor lambda per latent dimension, in nats; default 0 (off)
 * @param samples        latent samples per example, default 1
 * @param conv           convolutional encoder and decoder for images (the hidden sizes then lie between the
 *                       convolutions' features and the latent code), or null for MLPs (the default)
 * @param estimator      the gradient estimator's name ({@link org.latent4j.core.estimator.GradientEstimators}), default
 *                       "reparam" (the reparameterization trick)
 * @param silent         Silent Gradients' settings, or null (the default) for none
 */
public record VaeConfig(@Json.Required int dataDim, @Json.Required int latentDim, List<Integer> encoderHidden, List<Integer> decoderHidden,
                        Activation activation, LikelihoodKind likelihood, double likelihoodSigma,
                        PosteriorParameterisation posterior, double beta, Capacity capacity, double warmupEpochs,
                        double freeBits, int samples, ConvArchitecture conv, String estimator,
                        SilentGradientsConfig silent) {
    private static final String NAME = "VaeConfig";
    /** The estimator of a config that names none: the reparameterization trick. */
    public static final String DEFAULT_ESTIMATOR = "reparam";

    /**
     * The capacity schedule of Burgess et al. (2018), "Understanding disentangling in beta-VAE": the
     * regulariser is gamma * |KL - C| with C rising linearly from 0 to {@code max} nats over {@code steps}
     * optimizer steps, then held.
     *
     * @param gamma weight of |KL - C| (the paper used 1000 on dSprites)
     * @param max   final capacity C_max in nats (>= 0)
     * @param steps optimizer steps to reach it (>= 1)
     */
    public record Capacity(double gamma, double max, long steps) {
        /** Validates the three numbers. */
        public Capacity {
            ConfigChecks.positiveFinite("VaeConfig.Capacity", "gamma", gamma);
            ConfigChecks.nonNegativeFinite("VaeConfig.Capacity", "max", max);
            ConfigChecks.positive("VaeConfig.Capacity", "steps", steps);
        }

        /**
         * {@return C at an optimizer step}
         *
         * @param step the optimizer step
         */
        public double at(long step) {
            return max * Math.min(1.0, (double) step / steps);
        }
    }

    /** Validates every field with one line naming the one that is wrong. */
    public VaeConfig {
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
        ConfigChecks.required(NAME, "posterior", posterior);
        ConfigChecks.positiveFinite(NAME, "beta", beta);
        ConfigChecks.nonNegativeFinite(NAME, "warmupEpochs", warmupEpochs);
        ConfigChecks.nonNegativeFinite(NAME, "freeBits", freeBits);
        ConfigChecks.positive(NAME, "samples", samples);
        if (estimator == null || estimator.isBlank()) throw new IllegalArgumentException(NAME + ".estimator must name a gradient estimator, got " + estimator);
        if (capacity != null && beta != 1) {
            throw new IllegalArgumentException(NAME + ".beta must be 1 with a capacity schedule (gamma weighs |KL - C| instead), got " + beta);
        }
        if (capacity != null && warmupEpochs > 0) {
            throw new IllegalArgumentException(NAME + ".warmupEpochs must be 0 with a capacity schedule (C already anneals the KL), got " + warmupEpochs);
        }
        if (capacity != null && freeBits > 0) {
            throw new IllegalArgumentException(NAME + ".freeBits must be 0 with a capacity schedule (both set a KL target), got " + freeBits);
        }
    }

    /**
     * The defaults: IWAE architecture 1 hidden sizes [200, 200] mirrored, tanh, Bernoulli, a plain ELBO.
     *
     * @param dataDim   input features
     * @param latentDim latent dimensions
     * @return the config
     */
    public static VaeConfig of(int dataDim, int latentDim) {
        return new VaeConfig(dataDim, latentDim, List.of(200, 200), null, Activation.TANH, LikelihoodKind.BERNOULLI, 1.0,
                PosteriorParameterisation.LOG_VARIANCE, 1.0, null, 0, 0, 1, null, DEFAULT_ESTIMATOR, null);
    }

    /** The defaults of every field a saved config may lack (the dimensions are required). */
    static VaeConfig defaults() {
        return of(1, 1);
    }

    /**
     * Sets both hidden stacks: the encoder's as given, the decoder's as its mirror.
     *
     * @param encoder the encoder's hidden layer sizes, input side first
     * @return this config with those stacks
     */
    public VaeConfig withHidden(List<Integer> encoder) {
        return new VaeConfig(dataDim, latentDim, encoder, null, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with other hidden stacks}
     *
     * @param encoder the encoder's hidden layer sizes, input side first
     * @param decoder the decoder's hidden layer sizes, latent side first
     */
    public VaeConfig withHidden(List<Integer> encoder, List<Integer> decoder) {
        return new VaeConfig(dataDim, latentDim, encoder, decoder, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param a the hidden layers' activation
     */
    public VaeConfig withActivation(Activation a) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, a, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param kind the reconstruction likelihood
     */
    public VaeConfig withLikelihood(LikelihoodKind kind) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, kind, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * A Gaussian likelihood with fixed standard deviation sigma.
     *
     * @param sigma the standard deviation
     * @return this config with that likelihood
     */
    public VaeConfig withGaussianSigma(double sigma) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, LikelihoodKind.GAUSSIAN_FIXED, sigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param p how the encoder parameterises the posterior's variance
     */
    public VaeConfig withPosterior(PosteriorParameterisation p) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, p, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param b the KL weight
     */
    public VaeConfig withBeta(double b) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, b, capacity, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param c the capacity schedule, or null for none
     */
    public VaeConfig withCapacity(Capacity c) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, c, warmupEpochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param epochs epochs over which the KL weight ramps up from 0
     */
    public VaeConfig withWarmupEpochs(double epochs) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, epochs, freeBits, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param lambda the free-bits floor of each latent dimension's KL, in nats
     */
    public VaeConfig withFreeBits(double lambda) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, lambda, samples, conv, estimator, silent);
    }

    /**
     * {@return this config with another setting}
     *
     * @param k samples of the k-sample ELBO (or the IWAE bound)
     */
    public VaeConfig withSamples(int k) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, k, conv, estimator, silent);
    }

    /**
     * The KL weight at a point of training: beta, ramped linearly from 0 over the warm-up epochs.
     *
     * @param progress the step and epoch
     * @return the weight
     */
    public double klWeight(TrainingProgress progress) {
        if (warmupEpochs == 0) return beta;
        return beta * Math.min(1.0, progress.epochs() / warmupEpochs);
    }

    /**
     * Convolutional encoder and decoder of this architecture (null for MLPs).
     *
     * @param c the convolutional architecture, or null
     * @return this config with it
     */
    public VaeConfig withConv(ConvArchitecture c) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, c, estimator, silent);
    }

    /**
     * {@return this config with another gradient estimator}
     *
     * @param name the estimator's registered name
     */
    public VaeConfig withEstimator(String name) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, name, silent);
    }

    /**
     * {@return this config with Silent Gradients' settings}
     *
     * @param s the settings, or null for none
     */
    public VaeConfig withSilent(SilentGradientsConfig s) {
        return new VaeConfig(dataDim, latentDim, encoderHidden, decoderHidden, activation, likelihood, likelihoodSigma, posterior, beta, capacity, warmupEpochs, freeBits, samples, conv, estimator, s);
    }
}
