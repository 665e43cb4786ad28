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

/** "unscented-ae": the unscented autoencoder ({@link UnscentedAutoencoder}). */
public final class UnscentedAeKind implements ModelKind<UnscentedAeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public UnscentedAeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "unscented-ae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "unscented autoencoder (Janjos et al. 2023): decoded sigma points of the posterior, a Wasserstein-like regulariser for the KL";
    }

    @Override
    public Class<UnscentedAeConfig> configType() {
        return UnscentedAeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return ObjectiveOptions.plus(ObjectiveOptions.GAUSSIAN, ObjectiveOptions.LAMBDA, ObjectiveOptions.SIGMA_POINTS);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public UnscentedAeConfig configure(OptionValues o, DataShape data) {
        UnscentedAeConfig d = UnscentedAeConfig.of(ObjectiveOptions.gaussianNetwork(o, data, 1));
        String points = o.string(ObjectiveOptions.SIGMA_POINTS.name(), "1").trim();
        int n = points.equalsIgnoreCase("all") ? UnscentedAeConfig.ALL_POINTS : o.integer(ObjectiveOptions.SIGMA_POINTS.name(), 1, 1, 1_000_000);
        return new UnscentedAeConfig(d.vae(), o.number(ObjectiveOptions.LAMBDA.name(), UnscentedAeConfig.DEFAULT_WEIGHT, 1e-9, 1e9), n, d.lambda());
    }

    @Override
    public LatentModel create(UnscentedAeConfig config, Rng rng) {
        return new UnscentedAutoencoder(config, rng);
    }
}
