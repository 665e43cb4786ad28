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

/** "wae": the Wasserstein autoencoder with the MMD penalty ({@link Wae}). */
public final class WaeKind implements ModelKind<WaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public WaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "wae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Wasserstein autoencoder, WAE-MMD (Tolstikhin et al. 2018): deterministic codes pulled to N(0, I) by an MMD penalty";
    }

    @Override
    public Class<WaeConfig> configType() {
        return WaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return ObjectiveOptions.plus(ObjectiveOptions.DETERMINISTIC, ObjectiveOptions.LAMBDA, ObjectiveOptions.KERNEL);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DETERMINISTIC_CODES, Capability.PRIOR_SAMPLING);
    }

    @Override
    public WaeConfig configure(OptionValues o, DataShape data) {
        WaeConfig d = WaeConfig.of(ObjectiveOptions.network(o, data));
        return new WaeConfig(d.network(), o.number(ObjectiveOptions.LAMBDA.name(), WaeConfig.DEFAULT_LAMBDA, 1e-9, 1e9), ObjectiveOptions.kernel(o), d.scales());
    }

    @Override
    public LatentModel create(WaeConfig config, Rng rng) {
        return new Wae(config, rng);
    }
}
