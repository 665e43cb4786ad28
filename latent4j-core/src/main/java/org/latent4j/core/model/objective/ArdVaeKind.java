package org.latent4j.core.model.objective;

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

/** "ard-vae": the VAE with an automatic relevance determination prior ({@link ArdVae}). */
public final class ArdVaeKind implements ModelKind<ArdVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public ArdVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "ard-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "VAE with an automatic relevance determination prior N(0, diag(alpha)), alpha fitted in closed form; reports the dimensions used";
    }

    @Override
    public Class<ArdVaeConfig> configType() {
        return ArdVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return ObjectiveOptions.plus(ObjectiveOptions.GAUSSIAN, ModelOptions.SAMPLES, ObjectiveOptions.RELEVANCE_THRESHOLD,
                ObjectiveOptions.ARD_MOMENTUM);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public ArdVaeConfig configure(OptionValues o, DataShape data) {
        var vae = ObjectiveOptions.gaussianNetwork(o, data, o.integer(ModelOptions.SAMPLES.name(), 1, 1, 100_000));
        return new ArdVaeConfig(vae, o.number(ObjectiveOptions.ARD_MOMENTUM.name(), ArdVaeConfig.DEFAULT_MOMENTUM, 0, 0.999999),
                o.number(ObjectiveOptions.RELEVANCE_THRESHOLD.name(), ArdVaeConfig.DEFAULT_THRESHOLD, 1e-9, 0.999999));
    }

    @Override
    public LatentModel create(ArdVaeConfig config, Rng rng) {
        return new ArdVae(config, rng);
    }
}
