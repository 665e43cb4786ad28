package org.latent4j.core.model.discrete;

import org.latent4j.core.estimator.discrete.BernoulliLatents;
import org.latent4j.tensor.random.Rng;

/**
 * A VAE with D binary latents and a Bernoulli(1/2) prior, kind "bernoulli-vae"; see {@link DiscreteVae} for the loss
 * and {@link BernoulliVaeConfig} for the settings.
 */
public final class BernoulliVae extends DiscreteVae {
    private final BernoulliVaeConfig config;

    /**
     * A model with fresh weights.
     *
     * @param config the settings
     * @param rng    draws the initial weights
     */
    public BernoulliVae(BernoulliVaeConfig config, Rng rng) {
        super(BernoulliVaeKind.NAME, config, new BernoulliLatents(config.latents()), rng);
        this.config = config;
    }

    @Override
    public BernoulliVaeConfig config() {
        return config;
    }
}
