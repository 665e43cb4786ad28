package org.latent4j.core.model.vae;

import java.util.List;
import java.util.Set;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.estimator.silent.SilentGradientsOptions;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "iwae": the importance-weighted autoencoder ({@link Iwae}), k = 5 by default. */
public final class IwaeKind implements ModelKind<VaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public IwaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "iwae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "importance-weighted autoencoder (Burda et al. 2016): the VAE's networks trained on the bound L_k";
    }

    @Override
    public Class<VaeConfig> configType() {
        return VaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return VaeOptions.plus(SilentGradientsOptions.STEPS, SilentGradientsOptions.LIKELIHOOD, SilentGradientsOptions.SIGMA);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public VaeConfig configure(OptionValues o, DataShape data) {
        return VaeOptions.silent(VaeOptions.config(o, data, 5, GaussianEstimator.Bound.IMPORTANCE_WEIGHTED), o);
    }

    @Override
    public LatentModel create(VaeConfig config, Rng rng) {
        return new Iwae(config, rng);
    }
}
