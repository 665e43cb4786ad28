package org.latent4j.core.model.objective;

import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "swae": the sliced-Wasserstein autoencoder ({@link Swae}). */
public final class SwaeKind implements ModelKind<SwaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public SwaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "swae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "sliced-Wasserstein autoencoder (Kolouri et al. 2019): deterministic codes pulled to N(0, I) by random 1-D projections";
    }

    @Override
    public Class<SwaeConfig> configType() {
        return SwaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return ObjectiveOptions.plus(ObjectiveOptions.DETERMINISTIC, ObjectiveOptions.LAMBDA, ObjectiveOptions.PROJECTIONS);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public SwaeConfig configure(OptionValues o, DataShape data) {
        return new SwaeConfig(ObjectiveOptions.network(o, data), o.number(ObjectiveOptions.LAMBDA.name(), SwaeConfig.DEFAULT_LAMBDA, 1e-9, 1e9),
                o.integer(ObjectiveOptions.PROJECTIONS.name(), SwaeConfig.DEFAULT_PROJECTIONS, 1, 100_000));
    }

    @Override
    public LatentModel create(SwaeConfig config, Rng rng) {
        return new Swae(config, rng);
    }
}
