package org.latent4j.core.model.hvae;

import java.util.List;
import java.util.Set;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "hvae": the VAE with two stochastic layers of the IWAE paper ({@link HierarchicalVae}). */
public final class HierarchicalVaeKind implements ModelKind<HierarchicalVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public HierarchicalVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "hvae";

    static final ModelOption OBJECTIVE = new ModelOption("objective", "NAME",
            "hvae's objective over its k samples: elbo (the k-sample ELBO, as --model vae; default, k default 1) or iwae (the bound L_k, "
                    + "as --model iwae; k default 5)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "two stochastic layers, x -> z1 -> z2 (IWAE paper, architecture 2), trained on the ELBO or L_k";
    }

    @Override
    public Class<HierarchicalVaeConfig> configType() {
        return HierarchicalVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return List.of(ModelOptions.LATENT, ModelOptions.HIDDEN, ModelOptions.ACTIVATION, ModelOptions.LIKELIHOOD, ModelOptions.SIGMA,
                ModelOptions.POSTERIOR, ModelOptions.SAMPLES, OBJECTIVE, ModelOptions.ARCH, ModelOptions.CHANNELS, ModelOptions.ESTIMATOR);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    /**
     * z1 of --latent and z2 of half of it; between z1 and z2 hidden layers of half the --hidden sizes. The defaults are
     * the IWAE paper's architecture 2: z1 of 100 and z2 of 50, 200-200 and 100-100 tanh layers, std = exp(linear).
     */
    @Override
    public HierarchicalVaeConfig configure(OptionValues o, DataShape data) {
        var objective = o.choice(OBJECTIVE.name(), HierarchicalVaeConfig.Objective.ELBO, HierarchicalVaeConfig.Objective.class);
        HierarchicalVaeConfig paper = HierarchicalVaeConfig.of(data.features());
        int latent = ModelOptions.latent(o, paper.latent1Dim());
        List<Integer> h = ModelOptions.hidden(o, paper.hidden1());
        List<Integer> h2 = h.stream().map(x -> Math.max(2, x / 2)).toList();
        int k = o.integer(ModelOptions.SAMPLES.name(), objective == HierarchicalVaeConfig.Objective.IWAE ? 5 : 1, 1, 100_000);
        return HierarchicalVaeConfig.of(data.features()).withSizes(latent, Math.max(1, latent / 2), h, h2).withActivation(ModelOptions.activation(o, paper.activation()))
                .withPosterior(ModelOptions.posterior(o, paper.posterior())).withObjective(objective, k)
                .withLikelihood(ModelOptions.likelihood(o, data), ModelOptions.sigma(o, data)).withConv(ModelOptions.conv(o, data))
                .withEstimator(GaussianEstimator.fromOption(o, objective == HierarchicalVaeConfig.Objective.IWAE ? GaussianEstimator.Bound.IMPORTANCE_WEIGHTED
                        : GaussianEstimator.Bound.ELBO));
    }

    @Override
    public LatentModel create(HierarchicalVaeConfig config, Rng rng) {
        return new HierarchicalVae(config, rng);
    }
}
