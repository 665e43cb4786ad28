package org.latent4j.core.model.discrete;

import org.latent4j.core.estimator.discrete.CategoricalLatents;
import org.latent4j.tensor.random.Rng;

/**
 * A VAE with n groups of K categorical latents and a uniform prior (Jang, Gu and Poole 2017's categorical VAE), kind
 * "categorical-vae"; see {@link DiscreteVae} for the loss and {@link CategoricalVaeConfig} for the settings.
 */
public final class CategoricalVae extends DiscreteVae {
    private final CategoricalVaeConfig config;

    /**
     * A model with fresh weights.
     *
     * @param config the settings
     * @param rng    draws the initial weights
     */
    public CategoricalVae(CategoricalVaeConfig config, Rng rng) {
        super(CategoricalVaeKind.NAME, config, new CategoricalLatents(config.groups(), config.categories()), rng);
        this.config = config;
    }

    @Override
    public CategoricalVaeConfig config() {
        return config;
    }
}
