package org.latent4j.core.model;

import java.util.Arrays;
import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;

/**
 * The model options several kinds share, each declared once (so {@code train --help} describes it once), with the
 * readers that turn them into config values. A kind's own options live in its package.
 */
public final class ModelOptions {
    private ModelOptions() {}

    /** The {@code --latent} option. */
    public static final ModelOption LATENT = new ModelOption("latent", "N",
            "size of the latent code (default 16; hvae: its first layer z1, default 100, and z2 has half, the IWAE paper's architecture 2)");
    /** The {@code --hidden} option. */
    public static final ModelOption HIDDEN = new ModelOption("hidden", "A,B,...",
            "hidden layer sizes of the encoder, mirrored in the decoder (default 512,256; hvae: between x and z1, default 200,200, and half of each between z1 and z2)");
    /** The {@code --activation} option. */
    public static final ModelOption ACTIVATION = new ModelOption("activation", "NAME", Activation.names() + " (default relu; hvae tanh, as the IWAE paper)");
    /** The {@code --likelihood} option. */
    public static final ModelOption LIKELIHOOD = new ModelOption("likelihood", "NAME",
            "the decoder's p(x|z): bernoulli (default for data in [0, 1], on binarized pixels), gaussian-fixed (standard deviation "
                    + "--sigma; the default for other data, and for vq-vae on any data: its loss is then the squared error) or "
                    + "gaussian-learned (a learned variance per feature); an NLL under a Gaussian is a density, not comparable with a "
                    + "Bernoulli NLL");
    /** The {@code --sigma} option. */
    public static final ModelOption SIGMA = new ModelOption("sigma", "S", "standard deviation of gaussian-fixed (default 0.1 for data in [0, 1], else 1)");
    /** The {@code --posterior} option. */
    public static final ModelOption POSTERIOR = new ModelOption("posterior", "NAME",
            "the encoders' variance head: log-variance (default) or log-std (std = exp(linear), as in the IWAE paper; hvae's default)");
    /** The {@code --beta} option. */
    public static final ModelOption BETA = new ModelOption("beta", "B",
            "KL weight of beta-vae (default 4) and cvae (default 1); commitment weight of the vector-quantized kinds (default 0.25)");
    /** The {@code --k} option. */
    public static final ModelOption SAMPLES = new ModelOption("k", "N",
            "samples per example: the bound's k for iwae and for hvae with --objective iwae (default 5), the k-sample ELBO otherwise (default 1)");

    /**
     * The {@code --estimator} option, shared by every kind with stochastic latents: the gradient estimator, from
     * {@link org.latent4j.core.estimator.GradientEstimators}; each kind names its default and refuses one that does
     * not serve its latents.
     */
    public static final ModelOption ESTIMATOR = new ModelOption("estimator", "NAME",
            "the gradient estimator (see `latent4j train --help`'s list): reparam (default for Gaussian latents), stl, dreg (iwae, hvae --objective iwae); "
                    + "for discrete latents gumbel (default), gumbel-st, reinforce, nvil, vimco, exact");

    /** The {@code --arch} option. */
    public static final ModelOption ARCH = new ModelOption("arch", "NAME",
            "mlp (default) or conv: for images, convolutional encoder and decoder (default 4x4 convolutions of stride 2 with --channels "
                    + "32,64 feature maps: 28x28 -> 14x14 -> 7x7, mirrored by transposed convolutions); --hidden then sizes the layers between "
                    + "the feature maps and the code");
    /** The {@code --channels} option. */
    public static final ModelOption CHANNELS = new ModelOption("channels", "A,B,...",
            "feature maps of each convolution of --arch conv (default 32,64; one stride-2 convolution per entry)");

    /** The defaults of the shared options. */
    public static final int DEFAULT_LATENT = 16;
    /** The hidden sizes of an MLP encoder when {@code --hidden} is not given. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(512, 256);

    /**
     * {@return {@code --latent}, default 16}
     *
     * @param o the options
     */
    public static int latent(OptionValues o) {
        return latent(o, DEFAULT_LATENT);
    }

    /**
     * {@code --latent} with a kind's own default.
     *
     * @param o the options
     * @param def the kind's default
     * @return the latent size
     */
    public static int latent(OptionValues o, int def) {
        return o.integer(LATENT.name(), def, 1, 1_000_000);
    }

    /**
     * {@return {@code --hidden}, default {@link #DEFAULT_HIDDEN}}
     *
     * @param o the options
     */
    public static List<Integer> hidden(OptionValues o) {
        return hidden(o, DEFAULT_HIDDEN);
    }

    /**
     * {@code --hidden} with a kind's own default.
     *
     * @param o the options
     * @param def the kind's default
     * @return the hidden sizes
     */
    public static List<Integer> hidden(OptionValues o, List<Integer> def) {
        int[] h = o.integers(HIDDEN.name(), def.stream().mapToInt(Integer::intValue).toArray(), 1, 1_000_000);
        return Arrays.stream(h).boxed().toList();
    }

    /**
     * The convolutional architecture of {@code --arch conv} for the data's images, or null for {@code --arch mlp}.
     *
     * @param o the options
     * @param data the data's shape
     * @return the architecture, or null
     */
    public static ConvArchitecture conv(OptionValues o, DataShape data) {
        String arch = o.choice(ARCH.name(), "mlp", List.of("mlp", "conv"));
        if (arch.equals("mlp")) {
            o.require(!o.has(CHANNELS.name()), "--channels sizes the convolutions of --arch conv");
            return null;
        }
        o.require(data.isImage(), "--arch conv needs images, and the data have no image shape (vectors: use --arch mlp)");
        int[] c = o.integers(CHANNELS.name(), new int[] {32, 64}, 1, 100_000);
        try {
            return ConvArchitecture.of(data.imageShape()).withChannels(Arrays.stream(c).boxed().toList());
        } catch (IllegalArgumentException e) {
            throw new OptionValues.OptionException(o.who() + ": --arch conv: " + e.getMessage());
        }
    }

    /**
     * {@return {@code --activation}, default ReLU}
     *
     * @param o the options
     */
    public static Activation activation(OptionValues o) {
        return activation(o, Activation.RELU);
    }

    /**
     * {@code --activation} with a kind's own default.
     *
     * @param o the options
     * @param def the kind's default
     * @return the activation
     */
    public static Activation activation(OptionValues o, Activation def) {
        String name = o.string(ACTIVATION.name(), def.cliName());
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new OptionValues.OptionException(o.who() + ": --" + ACTIVATION.name() + ": " + e.getMessage());
        }
    }

    /**
     * {@return {@code --posterior}, default log-variance}
     *
     * @param o the options
     */
    public static PosteriorParameterisation posterior(OptionValues o) {
        return posterior(o, PosteriorParameterisation.LOG_VARIANCE);
    }

    /**
     * {@code --posterior} with a kind's own default.
     *
     * @param o the options
     * @param def the kind's default
     * @return the parameterisation
     */
    public static PosteriorParameterisation posterior(OptionValues o, PosteriorParameterisation def) {
        return o.choice(POSTERIOR.name(), def, PosteriorParameterisation.class);
    }

    /**
     * The likelihood: Bernoulli by default for data in [0, 1] (the command line binarizes them), a fixed Gaussian otherwise.
     *
     * @param o the options
     * @param data the data's shape
     * @return the likelihood
     */
    public static LikelihoodKind likelihood(OptionValues o, DataShape data) {
        return likelihood(o, defaultLikelihood(data));
    }

    /**
     * The likelihood, with the kind's own default.
     *
     * @param o the options
     * @param def the kind's default
     * @return the likelihood
     */
    public static LikelihoodKind likelihood(OptionValues o, LikelihoodKind def) {
        LikelihoodKind kind = o.choice(LIKELIHOOD.name(), def, LikelihoodKind.class);
        o.require(!o.has(SIGMA.name()) || kind == LikelihoodKind.GAUSSIAN_FIXED,
                "--sigma is the standard deviation of --likelihood gaussian-fixed, not of " + OptionValues.word(kind));
        return kind;
    }

    /**
     * The fixed Gaussian's standard deviation (0.1 for data in [0, 1], where pixel noise is small; 1 for other data).
     *
     * @param o the options
     * @param data the data's shape
     * @return the standard deviation
     */
    public static double sigma(OptionValues o, DataShape data) {
        return o.number(SIGMA.name(), data.unitInterval() ? 0.1 : 1.0, 1e-6, 1e6);
    }

    static LikelihoodKind defaultLikelihood(DataShape data) {
        return data.unitInterval() ? LikelihoodKind.BERNOULLI : LikelihoodKind.GAUSSIAN_FIXED;
    }
}
