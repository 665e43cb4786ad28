package org.latent4j.core.model;

/**
 * The latent layer that the latent diagnostics (KL per dimension, activity, mutual information, posterior
 * collapse) describe: the one whose prior is N(0, I), so that KL(q || N(0, I)) per dimension is that layer's
 * KL term of the ELBO. See {@link GaussianHierarchy#diagnosedLayer()}.
 *
 * @param name        the layer's name in reports: "z" for a single-layer model, "z2" for the top layer of a hierarchy
 * @param dimensions  its size
 * @param description a phrase for a person: which layer, and which posterior the diagnostics evaluate
 */
public record LatentLayer(String name, int dimensions, String description) {
    /** Refuses a blank name or description and a size below 1. */
    public LatentLayer {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("LatentLayer: the name is blank");
        if (dimensions < 1) throw new IllegalArgumentException("LatentLayer " + name + ": dimensions must be >= 1, got " + dimensions);
        if (description == null || description.isBlank()) throw new IllegalArgumentException("LatentLayer " + name + ": the description is blank");
    }

    /**
     * The latent code z of a single-layer model, whose prior is N(0, I).
     *
     * @param dimensions the size of z
     * @return the layer
     */
    public static LatentLayer single(int dimensions) {
        return new LatentLayer("z", dimensions, "z, the latent code (prior N(0, I)), with posterior q(z|x)");
    }
}
