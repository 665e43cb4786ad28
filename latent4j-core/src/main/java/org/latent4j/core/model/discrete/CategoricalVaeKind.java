package org.latent4j.core.model.discrete;

import java.util.List;
import java.util.Set;
import org.latent4j.core.estimator.discrete.CategoricalLatents;
import org.latent4j.core.estimator.silent.SilentGradientsOptions;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "categorical-vae": a VAE with n groups of K categorical latents ({@link CategoricalVae}). */
public final class CategoricalVaeKind implements ModelKind<CategoricalVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public CategoricalVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "categorical-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "VAE with --groups N categorical latents of --categories K each (default 20 x 10), uniform prior, --estimator (default gumbel)";
    }

    @Override
    public Class<CategoricalVaeConfig> configType() {
        return CategoricalVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        List<ModelOption> out = new java.util.ArrayList<>(DiscreteVaeOptions.with(DiscreteVaeOptions.GROUPS, DiscreteVaeOptions.CATEGORIES));
        out.addAll(SilentGradientsOptions.ALL);
        return List.copyOf(out);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DISCRETE_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public CategoricalVaeConfig configure(OptionValues o, DataShape data) {
        CategoricalVaeConfig d = CategoricalVaeConfig.of(data.features());
        int groups = o.integer(DiscreteVaeOptions.GROUPS.name(), d.groups(), 1, 100_000);
        int categories = o.integer(DiscreteVaeOptions.CATEGORIES.name(), d.categories(), 2, 100_000);
        CategoricalLatents latents = new CategoricalLatents(groups, categories);
        String estimator = DiscreteVaeOptions.estimator(o);
        CategoricalVaeConfig c = new CategoricalVaeConfig(data.features(), groups, categories, ModelOptions.hidden(o), null, ModelOptions.activation(o),
                ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data), DiscreteVaeOptions.samples(o, estimator), estimator,
                DiscreteVaeOptions.temperature(o, estimator, latents), SilentGradientsOptions.parse(o));
        return DiscreteVaeOptions.checked(o, c, latents);
    }

    @Override
    public LatentModel create(CategoricalVaeConfig config, Rng rng) {
        return new CategoricalVae(config, rng);
    }
}
