package org.latent4j.core.model;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.random.Rng;

/**
 * A model with several Gaussian latent layers, whose {@link LatentModel#encode} describes the layer next to the
 * data while the latent diagnostics (KL per dimension, activity, mutual information, collapse) describe the layer
 * whose prior is N(0, I), the only one where KL(q || N(0, I)) per dimension is a term of the bound.
 */
public interface GaussianHierarchy {
    /**
     * The layer the latent diagnostics describe.
     *
     * @return the layer
     */
    LatentLayer diagnosedLayer();

    /**
     * The posterior of {@link #diagnosedLayer()}, [batch, its dimensions], for rows whose encode posterior is {@code encoded}.
     *
     * @param encoded the encode posterior q(z|x) of the rows
     * @param rng draws the samples a hierarchy needs
     * @return the posterior
     */
    DiagonalGaussian diagnosedPosterior(DiagonalGaussian encoded, Rng rng);
}
