package org.latent4j.core.model.vae;

import java.util.List;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;

/** The options of the one-layer VAE kinds, and the config they describe. */
final class VaeOptions {
    private VaeOptions() {}

    static final ModelOption BETA = ModelOptions.BETA;
    static final ModelOption KL_WARMUP = new ModelOption("kl-warmup", "EPOCHS",
            "raise the KL weight linearly from 0 to its full value over EPOCHS epochs (default 0 = off)");
    static final ModelOption FREE_BITS = new ModelOption("free-bits", "NATS",
            "free bits: each latent dimension's batch-mean KL counts as at least NATS (default 0 = off)");

    /** The options every one-layer VAE kind takes. */
    static final List<ModelOption> COMMON = List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD,
            ModelOptions.SIGMA, ModelOptions.POSTERIOR, ModelOptions.SAMPLES, ModelOptions.ARCH, ModelOptions.CHANNELS);

    /** The networks, likelihood and sample count the options describe; the KL shaping is left at its defaults. */
    static VaeConfig config(OptionValues o, DataShape data, int defaultSamples) {
        return new VaeConfig(data.features(), ModelOptions.latent(o), ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), ModelOptions.posterior(o), 1.0, null, 0, 0,
                o.integer(ModelOptions.SAMPLES.name(), defaultSamples, 1, 100_000), ModelOptions.conv(o, data));
    }

    /** KL warm-up and free bits, from the options. */
    static VaeConfig klShaping(VaeConfig c, OptionValues o) {
        return c.withWarmupEpochs(o.number(KL_WARMUP.name(), 0, 0, 1e6)).withFreeBits(o.number(FREE_BITS.name(), 0, 0, 1e3));
    }

    static List<ModelOption> plus(ModelOption... more) {
        List<ModelOption> out = new java.util.ArrayList<>(COMMON);
        out.addAll(List.of(more));
        return List.copyOf(out);
    }
}
