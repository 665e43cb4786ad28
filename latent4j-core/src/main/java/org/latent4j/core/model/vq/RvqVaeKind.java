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
import org.latent4j.core.quantize.ResidualVectorQuantizer;
import org.latent4j.core.quantize.ResidualVectorQuantizerConfig;
import org.latent4j.tensor.random.Rng;

/**
 * "rvq-vae": a {@link QuantizedAutoencoder} around a {@link ResidualVectorQuantizer} of vector-quantizer stages
 * (SoundStream's residual VQ, Zeghidour et al. 2021), MLP or convolutional. Options: the networks' ({@link VqOptions#NETWORK}),
 * every vector-quantizer option of vq-vae (applied to each stage: --codebook-size, --beta, --codebook-update,
 * --ema-decay, --gradient, --codebook, --distance, --restart-dead, --projection-dim, --codebook-init), --stages
 * (default {@value #DEFAULT_STAGES}) and --quantizer-dropout (default 0).
 */
public final class RvqVaeKind implements ModelKind<RvqVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public RvqVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "rvq-vae";
    /** The number of stages when {@code --stages} is not given. */
    public static final int DEFAULT_STAGES = 4;

    /** The {@code --stages} option. */
    public static final ModelOption STAGES = new ModelOption("stages", "N",
            "stages of rvq-vae's residual quantizer, each a vector quantizer of the residual the stages before it leave (default 4)");
    /** The {@code --quantizer-dropout} option. */
    public static final ModelOption QUANTIZER_DROPOUT = new ModelOption("quantizer-dropout", "P",
            "probability that an rvq-vae training batch uses only the first q stages, q uniform in 1..stages (SoundStream's quantizer "
                    + "dropout, drawn per batch from the step's seed; default 0, never; SoundStream used it always: 1)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "residual VQ-VAE (SoundStream, Zeghidour et al. 2021): stages of vector quantizers, each coding the residual of the ones before, "
                + "with quantizer dropout";
    }

    @Override
    public Class<RvqVaeConfig> configType() {
        return RvqVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> o = new ArrayList<>(VqOptions.NETWORK);
        o.addAll(List.of(VqOptions.CODEBOOK_SIZE, ModelOptions.BETA, VqOptions.CODEBOOK_UPDATE, VqOptions.EMA_DECAY, VqOptions.GRADIENT, VqOptions.CODEBOOK,
                VqOptions.DISTANCE, VqOptions.RESTART_DEAD, VqOptions.PROJECTION_DIM, VqOptions.CODEBOOK_INIT, STAGES, QUANTIZER_DROPOUT));
        return List.copyOf(o);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public RvqVaeConfig configure(OptionValues o, DataShape data) {
        int dim = VqOptions.codeDim(o);
        int stages = o.integer(STAGES.name(), DEFAULT_STAGES, 1, 1024);
        double dropout = o.number(QUANTIZER_DROPOUT.name(), 0, 0, 1);
        return new RvqVaeConfig(VqOptions.network(o, data, dim), new ResidualVectorQuantizerConfig(stages, VqOptions.vectorQuantizer(o, dim), dropout));
    }

    @Override
    public LatentModel create(RvqVaeConfig config, Rng rng) {
        return new QuantizedAutoencoder(NAME, config, config.network(), config.quantizer().create(rng), rng);
    }
}
