/**
 * Objectives beyond the KL: the Wasserstein autoencoder with the MMD penalty ({@link
 * org.latent4j.core.model.objective.Wae}, kind "wae"), the sliced-Wasserstein autoencoder ({@link
 * org.latent4j.core.model.objective.Swae}, "swae"), InfoVAE with the MMD ({@link
 * org.latent4j.core.model.objective.InfoVae}, "info-vae"), the unscented autoencoder ({@link
 * org.latent4j.core.model.objective.UnscentedAutoencoder}, "unscented-ae") and the VAE with an automatic relevance
 * determination prior ({@link org.latent4j.core.model.objective.ArdVae}, "ard-vae"). The divergences they share
 * are in {@link org.latent4j.core.divergence}; docs/estimators.md describes each with its paper and defaults.
 */
package org.latent4j.core.model.objective;
