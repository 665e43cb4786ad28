package org.latent4j.core.model.discrete;

import java.util.List;
import java.util.Set;
import org.latent4j.core.estimator.discrete.BernoulliLatents;
import org.latent4j.core.estimator.silent.SilentGradientsOptions;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "bernoulli-vae": a VAE with D binary latents under a Bernoulli(1/2) prior ({@link BernoulliVae}). */
public final class BernoulliVaeKind implements ModelKind<BernoulliVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public BernoulliVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "bernoulli-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "VAE with --latent D binary latents (default 200), Bernoulli(1/2) prior, --estimator (default gumbel: binary Concrete)";
    }

    @Override
    public Class<BernoulliVaeConfig> configType() {
        return BernoulliVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> out = new java.util.ArrayList<>(DiscreteVaeOptions.with(ModelOptions.LATENT));
        out.addAll(SilentGradientsOptions.ALL);
        return List.copyOf(out);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public BernoulliVaeConfig configure(OptionValues o, DataShape data) {
        BernoulliVaeConfig d = BernoulliVaeConfig.of(data.features());
        int latent = ModelOptions.latent(o, d.latents());
        BernoulliLatents latents = new BernoulliLatents(latent);
        String estimator = DiscreteVaeOptions.estimator(o);
        BernoulliVaeConfig c = new BernoulliVaeConfig(data.features(), latent, ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), DiscreteVaeOptions.samples(o, estimator), estimator,
                DiscreteVaeOptions.temperature(o, estimator, latents), SilentGradientsOptions.parse(o));
        return DiscreteVaeOptions.checked(o, c, latents);
    }

    @Override
    public LatentModel create(BernoulliVaeConfig config, Rng rng) {
        return new BernoulliVae(config, rng);
    }
}
