package org.latent4j.core.model.vq;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.quantize.VectorQuantizer;
import org.latent4j.tensor.random.Rng;

/** "vq-vae": a {@link QuantizedAutoencoder} around a {@link VectorQuantizer} (van den Oord et al. 2017), MLP or convolutional. */
public final class VqVaeKind implements ModelKind<VqVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public VqVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "vq-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "VQ-VAE (van den Oord et al. 2017): a vector quantizer between encoder and decoder (EMA, k-means, restarts, rotation trick, SimVQ)";
    }

    @Override
    public Class<VqVaeConfig> configType() {
        return VqVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> o = new ArrayList<>(VqOptions.NETWORK);
        o.addAll(List.of(VqOptions.CODEBOOK_SIZE, ModelOptions.BETA, VqOptions.CODEBOOK_UPDATE, VqOptions.EMA_DECAY, VqOptions.GRADIENT, VqOptions.CODEBOOK,
                VqOptions.DISTANCE, VqOptions.RESTART_DEAD, VqOptions.PROJECTION_DIM, VqOptions.CODEBOOK_INIT));
        return List.copyOf(o);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public VqVaeConfig configure(OptionValues o, DataShape data) {
        int dim = VqOptions.codeDim(o);
        return new VqVaeConfig(VqOptions.network(o, data, dim), VqOptions.vectorQuantizer(o, dim));
    }

    @Override
    public LatentModel create(VqVaeConfig config, Rng rng) {
        VectorQuantizer q = new VectorQuantizer(config.quantizer(), rng);
        return new QuantizedAutoencoder(NAME, config, config.network(), q, rng);
    }
}
