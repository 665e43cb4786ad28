package org.latent4j.core.model.objective;

import java.util.List;
import java.util.Set;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.random.Rng;

/** "info-vae": InfoVAE with the MMD ({@link InfoVae}). */
public final class InfoVaeKind implements ModelKind<InfoVaeConfig> {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public InfoVaeKind() {}

    /** The kind's name on the command line and in saved models. */
    public static final String NAME = "info-vae";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "InfoVAE (Zhao et al. 2019) with the MMD: (1 - alpha) KL + (alpha + lambda - 1) MMD(q(z), p(z)); default the MMD-VAE";
    }

    @Override
    public Class<InfoVaeConfig> configType() {
        return InfoVaeConfig.class;
    }

    @Override
    public List<ModelOption> options() {
        return ObjectiveOptions.plus(ObjectiveOptions.GAUSSIAN, ModelOptions.SAMPLES, ObjectiveOptions.ALPHA, ObjectiveOptions.LAMBDA, ObjectiveOptions.KERNEL);
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.GAUSSIAN_CODES, Capability.LIKELIHOOD_BOUND, Capability.PRIOR_SAMPLING);
    }

    @Override
    public InfoVaeConfig configure(OptionValues o, DataShape data) {
        InfoVaeConfig d = InfoVaeConfig.of(ObjectiveOptions.gaussianNetwork(o, data, o.integer(ModelOptions.SAMPLES.name(), 1, 1, 100_000)));
        double alpha = o.number(ObjectiveOptions.ALPHA.name(), InfoVaeConfig.DEFAULT_ALPHA, -1e9, 1);
        double lambda = o.number(ObjectiveOptions.LAMBDA.name(), InfoVaeConfig.DEFAULT_LAMBDA, 1e-9, 1e9);
        o.require(alpha + lambda >= 1, "--alpha plus --lambda must be at least 1 (the MMD weighs alpha + lambda - 1), got " + alpha + " + " + lambda);
        return new InfoVaeConfig(d.vae(), alpha, lambda, ObjectiveOptions.kernel(o), d.scales());
    }

    @Override
    public LatentModel create(InfoVaeConfig config, Rng rng) {
        return new InfoVae(config, rng);
    }
}
