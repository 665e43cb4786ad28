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

/** "cvae": the conditional VAE ({@link ConditionalVae}), conditioned on the class of each row of labelled data. */
public final class ConditionalVaeKind implements ModelKind<ConditionalVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public ConditionalVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "cvae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "conditional VAE (Sohn et al. 2015): encoder and decoder see the class of each row (labelled data)";
    }

    @Override
    public Class<ConditionalVaeConfig> configType() {
        return ConditionalVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return VaeOptions.plus(VaeOptions.BETA, VaeOptions.KL_WARMUP, VaeOptions.FREE_BITS);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING, Capability.CONDITIONAL);
    }

    @Override
    public ConditionalVaeConfig configure(OptionValues o, DataShape data) {
        o.require(data.classes() > 0, "--model " + NAME + " is conditioned on class labels, and the data have none");
        VaeConfig vae = VaeOptions.klShaping(VaeOptions.config(o, data, 1, GaussianEstimator.Bound.ELBO), o).withBeta(o.number(VaeOptions.BETA.name(), 1, 1e-6, 1e6));
        return new ConditionalVaeConfig(vae, data.classes());
    }

    @Override
    public LatentModel create(ConditionalVaeConfig config, Rng rng) {
        return new ConditionalVae(config, rng);
    }
}
