package org.latent4j.core.model.vq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.quantize.FiniteScalarQuantizer;
import org.latent4j.core.quantize.FiniteScalarQuantizerConfig;
import org.latent4j.tensor.random.Rng;

/**
 * "fsq-vae": a {@link QuantizedAutoencoder} around a {@link FiniteScalarQuantizer} (Mentzer et al. 2023), MLP or
 * convolutional. The code width is the number of levels: the encoder's last layer (the MLP's output layer, or the conv
 * form's 1x1 convolution) is FSQ's projection down to d dimensions, and the decoder's first layer the way back, so the
 * kind takes no --code-dim. Options: the networks' ({@link VqOptions#NETWORK} but --code-dim) and --levels (default
 * 8,5,5,5, 1000 codes). No auxiliary loss: the loss is the reconstruction alone.
 */
public final class FsqVaeKind implements ModelKind<FsqVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public FsqVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "fsq-vae";

    /** The {@code --levels} option. */
    public static final ModelOption LEVELS = new ModelOption("levels", "A,B,...",
            "levels per dimension of fsq-vae's finite scalar quantizer, each >= 2 (2: the sign of the value); the code width is their number and the codebook their product "
                    + "(default 8,5,5,5: 1000 codes; the FSQ paper's choices: 8,6,5 for 2^8, 8,5,5,5 for 2^10, 7,5,5,5,5 for 2^12, 8,8,8,6,5 for "
                    + "2^14, 8,8,8,5,5,5 for 2^16; for 512, 8,4,4,4 reconstructed better than 8,8,8 in the codebook-collapse benchmark)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "FSQ-VAE (Mentzer et al. 2023): each code dimension bounded and rounded to a few levels, an implicit codebook, no auxiliary loss";
    }

    @Override
    public Class<FsqVaeConfig> configType() {
        return FsqVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> o = new ArrayList<>(VqOptions.NETWORK);
        o.remove(VqOptions.CODE_DIM);
        o.add(LEVELS);
        return List.copyOf(o);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public FsqVaeConfig configure(OptionValues o, DataShape data) {
        int[] def = FiniteScalarQuantizerConfig.DEFAULT_LEVELS.stream().mapToInt(Integer::intValue).toArray();
        List<Integer> levels = Arrays.stream(o.integers(LEVELS.name(), def, 2, 1 << 24)).boxed().toList();
        FiniteScalarQuantizerConfig quantizer;
        try {
            quantizer = FiniteScalarQuantizerConfig.of(levels);
        } catch (IllegalArgumentException e) {
            throw new OptionValues.OptionException(o.who() + ": --" + LEVELS.name() + ": " + e.getMessage());
        }
        return new FsqVaeConfig(VqOptions.network(o, data, levels.size()), quantizer);
    }

    @Override
    public LatentModel create(FsqVaeConfig config, Rng rng) {
        return new QuantizedAutoencoder(NAME, config, config.network(), config.quantizer().create(rng), rng);
    }
}
