package org.latent4j.core.model.vq;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.nn.ConvArchitecture;
import org.latent4j.core.quantize.VectorQuantizerConfig;

/**
 * The command-line options of the discrete-bottleneck kinds, each declared once: those of the networks
 * ({@link #NETWORK}, shared by every kind built on {@link QuantizedAutoencoder}) and those of the vector quantizer.
 * Another quantized kind takes {@link #NETWORK} plus its own, and builds its networks with {@link #network}.
 */
public final class VqOptions {
    private VqOptions() {}

    /** The codebook size when {@code --codebook-size} is not given. */
    public static final int DEFAULT_CODEBOOK_SIZE = 512;
    /** The code width when {@code --code-dim} is not given. */
    public static final int DEFAULT_CODE_DIM = 64;

    /** The {@code --codebook-size} option. */
    public static final ModelOption CODEBOOK_SIZE = new ModelOption("codebook-size", "K", "codes per codebook (default 512)");
    /** The {@code --code-dim} option. */
    public static final ModelOption CODE_DIM = new ModelOption("code-dim", "D", "width of each code vector (default 64)");
    /** The {@code --groups} option. */
    public static final ModelOption GROUPS = new ModelOption("groups", "G",
            "code vectors per example of an MLP quantized model (default 1; --arch conv quantizes every place of its grid instead); "
                    + "categorical-vae: its categorical latent variables (default 20)");
    /** The {@code --sampling} option. */
    public static final ModelOption SAMPLING = new ModelOption("sampling", "NAME",
            "how samples of a quantized model draw codes, each place independently: empirical (default; in proportion to how often "
                    + "training chose them there lately) or uniform");
    /** The {@code --codebook-update} option. */
    public static final ModelOption CODEBOOK_UPDATE = new ModelOption("codebook-update", "NAME",
            "gradient (default: the codebook loss ||sg[z] - e||^2) or ema (moving averages of the assigned vectors, decay --ema-decay)");
    /** The {@code --ema-decay} option. */
    public static final ModelOption EMA_DECAY = new ModelOption("ema-decay", "G", "decay of --codebook-update ema (default 0.99)");
    /** The {@code --gradient} option. */
    public static final ModelOption GRADIENT = new ModelOption("gradient", "NAME",
            "the encoder's gradient through the code choice: ste (default, straight-through) or rotation (the rotation trick, Fifty et al. 2024)");
    /** The {@code --codebook} option. */
    public static final ModelOption CODEBOOK = new ModelOption("codebook", "NAME",
            "learned (default) or simvq (a frozen random codebook C times one learned linear map, Zhu et al. 2024)");
    /** The {@code --distance} option. */
    public static final ModelOption DISTANCE = new ModelOption("distance", "NAME", "l2 (default) or cosine (l2-normalised inputs and codes)");
    /** The {@code --restart-dead} option. */
    public static final ModelOption RESTART_DEAD = new ModelOption("restart-dead", "N",
            "replace a code unused for N training steps by a recent encoder output (default 0 = never)");
    /** The {@code --projection-dim} option. */
    public static final ModelOption PROJECTION_DIM = new ModelOption("projection-dim", "N",
            "look codes up in N dimensions through learned linear maps down and back up (default 0 = off)");
    /** The {@code --codebook-init} option. */
    public static final ModelOption CODEBOOK_INIT = new ModelOption("codebook-init", "NAME",
            "kmeans (default: k-means++ and 5 Lloyd iterations on encoder outputs before training) or random (uniform in +-sqrt(6/D)); "
                    + "for --codebook simvq, moments (default: its linear map and bias set so the codes start with the mean and covariance of "
                    + "encoder outputs) or random (the paper's start: a random map, no bias)");

    /** The options of the networks of a quantized model, for any kind built on {@link QuantizedAutoencoder}. */
    public static final List<ModelOption> NETWORK = List.of(ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD, ModelOptions.SIGMA,
            ModelOptions.ARCH, ModelOptions.CHANNELS, CODE_DIM, GROUPS, SAMPLING);

    /**
     * The networks the options describe, for codes of {@code codeDim} features: MLPs (default hidden sizes 512,256,
     * one group) or the convolutions of --arch conv (no --groups; --hidden, by default none, sizes per-place layers
     * between the feature maps and the codes); a fixed Gaussian likelihood by default.
     *
     * @param o the options
     * @param data the data's shape
     * @param codeDim the width of each code vector
     * @return the networks' configuration
     */
    public static QuantizedAutoencoderConfig network(OptionValues o, DataShape data, int codeDim) {
        ConvArchitecture conv = ModelOptions.conv(o, data);
        LikelihoodKind likelihood = ModelOptions.likelihood(o, LikelihoodKind.GAUSSIAN_FIXED);
        double sigma = ModelOptions.sigma(o, data);
        var activation = ModelOptions.activation(o);
        CodeSampling sampling = o.choice(SAMPLING.name(), CodeSampling.EMPIRICAL, CodeSampling.class);
        QuantizedAutoencoderConfig c = QuantizedAutoencoderConfig.of(data.features(), codeDim).withActivation(activation).withLikelihood(likelihood, sigma)
                .withSampling(sampling);
        if (conv != null) {
            o.require(!o.has(GROUPS.name()), "--groups splits an MLP's code; --arch conv quantizes every place of its grid");
            // per place, between the feature maps and the codes: none unless asked for
            return c.withConv(conv).withHidden(o.has(ModelOptions.HIDDEN.name()) ? ModelOptions.hidden(o) : List.of());
        }
        return c.withHidden(ModelOptions.hidden(o)).withGroups(o.integer(GROUPS.name(), 1, 1, 1_000_000));
    }

    /**
     * --code-dim.
     *
     * @param o the options
     * @return the code width
     */
    public static int codeDim(OptionValues o) {
        return o.integer(CODE_DIM.name(), DEFAULT_CODE_DIM, 1, 1_000_000);
    }

    /**
     * --codebook-size.
     *
     * @param o the options
     * @return the codebook size
     */
    public static int codebookSize(OptionValues o) {
        return o.integer(CODEBOOK_SIZE.name(), DEFAULT_CODEBOOK_SIZE, 1, 1 << 24);
    }

    /**
     * The vector quantizer the options describe, for codes of {@code dim} features.
     *
     * @param o the options
     * @param dim the code width
     * @return the quantizer's configuration
     */
    public static VectorQuantizerConfig vectorQuantizer(OptionValues o, int dim) {
        VectorQuantizerConfig.Codebook codebook = o.choice(CODEBOOK.name(), VectorQuantizerConfig.Codebook.LEARNED, VectorQuantizerConfig.Codebook.class);
        VectorQuantizerConfig.Update update = o.choice(CODEBOOK_UPDATE.name(), VectorQuantizerConfig.Update.GRADIENT, VectorQuantizerConfig.Update.class);
        boolean simvq = codebook == VectorQuantizerConfig.Codebook.SIMVQ;
        o.require(!(simvq && update == VectorQuantizerConfig.Update.EMA), "--codebook simvq learns its linear map by gradient; it takes no --codebook-update ema");
        o.require(!o.has(EMA_DECAY.name()) || update == VectorQuantizerConfig.Update.EMA, "--ema-decay is the decay of --codebook-update ema");
        VectorQuantizerConfig.Init init = o.choice(CODEBOOK_INIT.name(), simvq ? VectorQuantizerConfig.Init.MOMENTS : VectorQuantizerConfig.Init.KMEANS,
                VectorQuantizerConfig.Init.class);
        o.require(!(simvq && init == VectorQuantizerConfig.Init.KMEANS), "--codebook simvq keeps its random frozen codebook; it takes no --codebook-init kmeans "
                + "(moments or random)");
        o.require(simvq || init != VectorQuantizerConfig.Init.MOMENTS, "--codebook-init moments sets --codebook simvq's linear map; learned codes start by kmeans "
                + "or random");
        int restart = o.integer(RESTART_DEAD.name(), 0, 0, 100_000_000);
        o.require(!(simvq && restart > 0), "--codebook simvq's codes are C W, not free vectors: --restart-dead does not apply");
        VectorQuantizerConfig c = VectorQuantizerConfig.of(dim, codebookSize(o)).withBeta(o.number(ModelOptions.BETA.name(), 0.25, 0, 1e6))
                .withGradient(o.choice(GRADIENT.name(), VectorQuantizerConfig.Gradient.STE, VectorQuantizerConfig.Gradient.class))
                .withDistance(o.choice(DISTANCE.name(), VectorQuantizerConfig.Distance.L2, VectorQuantizerConfig.Distance.class))
                .withCodebook(codebook).withInit(init, 5).withProjection(o.integer(PROJECTION_DIM.name(), 0, 0, 1_000_000));
        if (update == VectorQuantizerConfig.Update.EMA) c = c.withEma(o.number(EMA_DECAY.name(), 0.99, 1e-9, 1 - 1e-9), c.epsilon());
        return restart > 0 ? c.withRestart(restart, c.restartPool()) : c;
    }
}
