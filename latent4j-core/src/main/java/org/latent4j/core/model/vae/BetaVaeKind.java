package org.latent4j.core.model.vae;

import java.util.List;
import java.util.Set;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "beta-vae": the {@link Vae} with a KL weight beta (Higgins et al. 2017), 4 by default. */
public final class BetaVaeKind implements ModelKind<VaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public BetaVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "beta-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "beta-VAE (Higgins et al. 2017): the VAE with the KL weighted by --beta";
    }

    @Override
    public Class<VaeConfig> configType() {
        return VaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return VaeOptions.plus(VaeOptions.BETA, VaeOptions.KL_WARMUP, VaeOptions.FREE_BITS, VaeOptions.CAPACITY, VaeOptions.CAPACITY_GAMMA,
                VaeOptions.CAPACITY_STEPS);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public VaeConfig configure(OptionValues o, DataShape data) {
        return VaeOptions.capacity(VaeOptions.klShaping(VaeOptions.config(o, data, 1, GaussianEstimator.Bound.ELBO), o).withBeta(o.number(VaeOptions.BETA.name(), 4, 1e-6, 1e6)), o);
    }

    @Override
    public LatentModel create(VaeConfig config, Rng rng) {
        return Vae.betaVae(config, rng);
    }
}
