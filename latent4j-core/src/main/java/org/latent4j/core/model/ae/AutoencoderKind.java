package org.latent4j.core.model.ae;

import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "ae": the deterministic autoencoder ({@link Autoencoder}). */
public final class AutoencoderKind implements ModelKind<AutoencoderConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public AutoencoderKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "ae";

    /** VICReg's variance term (Bardes et al. 2022) on the codes. */
    static final ModelOption VICREG_VARIANCE = new ModelOption("vicreg-variance", "W",
            "ae: add W times VICReg's variance term (Bardes et al. 2022), the mean over code dimensions of max(0, 1 - sqrt(Var + 1e-4)) "
                    + "over the batch, against collapsed codes (default 0 = off; the paper weighs it 25 against its invariance term's 25)");
    /** VICReg's covariance term on the codes. */
    static final ModelOption VICREG_COVARIANCE = new ModelOption("vicreg-covariance", "W",
            "ae: add W times VICReg's covariance term, the squared off-diagonal covariances of the batch's codes summed over the "
                    + "code's size, against redundant dimensions (default 0 = off; the paper's weight is 1)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "deterministic autoencoder (a code vector, no prior: no NLL and no samples)";
    }

    @Override
    public Class<AutoencoderConfig> configType() {
        return AutoencoderConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD, ModelOptions.SIGMA, ModelOptions.ARCH,
                ModelOptions.CHANNELS, VICREG_VARIANCE, VICREG_COVARIANCE);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC_CODES);
    }

    @Override
    public AutoencoderConfig configure(OptionValues o, DataShape data) {
        return new AutoencoderConfig(data.features(), ModelOptions.latent(o), ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), ModelOptions.conv(o, data),
                o.number(VICREG_VARIANCE.name(), 0, 0, 1e6), o.number(VICREG_COVARIANCE.name(), 0, 0, 1e6));
    }

    @Override
    public LatentModel create(AutoencoderConfig config, Rng rng) {
        return new Autoencoder(config, rng);
    }
}
