package org.latent4j.core.model.objective;

import java.util.List;
import org.latent4j.core.divergence.MmdKernel;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.VaeConfig;

/** The options the kinds of this package share, declared once, and the networks they describe. */
final class ObjectiveOptions {
    private ObjectiveOptions() {}

    static final ModelOption LAMBDA = new ModelOption("lambda", "W",
            "weight of the objective's penalty on the codes: wae's MMD (default 10, the WAE paper's for MNIST), swae's sliced "
                    + "Wasserstein distance (default 10, the SWAE code's), info-vae's lambda (default 1000), unscented-ae's "
                    + "Wasserstein-like regulariser (default 1)");
    static final ModelOption ALPHA = new ModelOption("alpha", "A",
            "info-vae's alpha: the KL weighs 1 - alpha and the MMD alpha + lambda - 1 (default 1, the MMD-VAE; at most 1)");
    static final ModelOption KERNEL = new ModelOption("kernel", "NAME",
            "the MMD's kernel for wae and info-vae: imq (default; C / (C + ||x - y||^2)) or rbf (exp(-||x - y||^2 / C)), summed over "
                    + "C = 2 d (0.1, 0.2, 0.5, 1, 2, 5, 10), the WAE paper's scales");
    static final ModelOption PROJECTIONS = new ModelOption("projections", "L",
            "swae: random directions of the sliced Wasserstein distance, drawn afresh each step (default 50, the SWAE code's)");
    static final ModelOption SIGMA_POINTS = new ModelOption("sigma-points", "N|all",
            "unscented-ae: sigma points decoded per example, each drawn from the 2d + 1 (default 1, the paper's configs), or all "
                    + "of them (the full unscented transform, no randomness)");
    static final ModelOption RELEVANCE_THRESHOLD = new ModelOption("relevance-threshold", "T",
            "ard-vae: a latent dimension is used when the variance of its posterior means over the data exceeds T times its "
                    + "prior variance fitted to the same data (default 0.5: then it carries about half a bit about x or more)");
    static final ModelOption ARD_MOMENTUM = new ModelOption("ard-momentum", "M",
            "ard-vae: the prior variances kept for sampling, the likelihood bound and eval are a running average of the "
                    + "batches' closed-form fits with this momentum (default 0.99)");

    /** The deterministic networks of the Wasserstein autoencoders. */
    static final List<ModelOption> DETERMINISTIC = List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD,
            ModelOptions.SIGMA, ModelOptions.ARCH, ModelOptions.CHANNELS);
    /** The Gaussian-encoder networks of the VAE-like kinds (--k is their samples per example). */
    static final List<ModelOption> GAUSSIAN = List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD,
            ModelOptions.SIGMA, ModelOptions.POSTERIOR, ModelOptions.ARCH, ModelOptions.CHANNELS);

    static List<ModelOption> plus(List<ModelOption> base, ModelOption... more) {
        List<ModelOption> out = new java.util.ArrayList<>(base);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }

    /** The encoder and decoder of a deterministic kind, as the shared options describe them. */
    static AutoencoderConfig network(OptionValues o, DataShape data) {
        return new AutoencoderConfig(data.features(), ModelOptions.latent(o), ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), ModelOptions.conv(o, data), 0, 0);
    }

    /** The Gaussian encoder and the decoder of a VAE-like kind, as the shared options describe them, with {@code samples} per example. */
    static VaeConfig gaussianNetwork(OptionValues o, DataShape data, int samples) {
        var likelihood = ModelOptions.likelihood(o, data);
        VaeConfig c = VaeConfig.of(data.features(), ModelOptions.latent(o)).withHidden(ModelOptions.hidden(o)).withActivation(ModelOptions.activation(o))
                .withPosterior(ModelOptions.posterior(o)).withSamples(samples).withConv(ModelOptions.conv(o, data));
        return likelihood == org.latent4j.core.distributions.LikelihoodKind.GAUSSIAN_FIXED ? c.withGaussianSigma(ModelOptions.sigma(o, data))
                : c.withLikelihood(likelihood);
    }

    static MmdKernel kernel(OptionValues o) {
        return o.choice(KERNEL.name(), MmdKernel.IMQ, MmdKernel.class);
    }

    /** Checks the fields of a VAE config that the kinds of this package replace with their own objective. */
    static void plainElbo(String name, VaeConfig vae) {
        if (vae.beta() != 1 || vae.capacity() != null || vae.warmupEpochs() != 0 || vae.freeBits() != 0) {
            throw new IllegalArgumentException(name + ".vae must leave beta 1 and capacity, warmupEpochs and freeBits off (this objective sets its own "
                    + "weights), got beta " + vae.beta() + ", capacity " + vae.capacity() + ", warmupEpochs " + vae.warmupEpochs() + ", freeBits "
                    + vae.freeBits());
        }
        if (vae.silent() != null) throw new IllegalArgumentException(name + ".vae.silent must be null: Silent Gradients serve the ELBO of vae");
    }
}
