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

/** "vae": the variational autoencoder ({@link Vae}), with KL warm-up, free bits and the k-sample ELBO. */
public final class VaeKind implements ModelKind<VaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public VaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "variational autoencoder (Kingma and Welling 2014): Gaussian posterior, N(0, I) prior, the ELBO";
    }

    @Override
    public Class<VaeConfig> configType() {
        return VaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return VaeOptions.plus(VaeOptions.KL_WARMUP, VaeOptions.FREE_BITS, SilentGradientsOptions.STEPS, SilentGradientsOptions.LIKELIHOOD, SilentGradientsOptions.SIGMA);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public VaeConfig configure(OptionValues o, DataShape data) {
        return VaeOptions.silent(VaeOptions.klShaping(VaeOptions.config(o, data, 1, GaussianEstimator.Bound.ELBO), o), o);
    }

    @Override
    public LatentModel create(VaeConfig config, Rng rng) {
        return new Vae(config, rng);
    }
}
