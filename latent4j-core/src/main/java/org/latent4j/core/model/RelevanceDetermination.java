package org.latent4j.core.model;

/**
 * A model whose Gaussian prior has a fitted variance per latent dimension (automatic relevance determination): the
 * evaluation reports which dimensions it uses, those whose posterior means vary over the data by more than
 * {@link #relevanceThreshold()} times their prior variance fitted to the same data (the ELBO's optimum,
 * mean_x (mu_j^2 + sigma_j^2)), and the model's own variances beside them.
 */
public interface RelevanceDetermination {
    /** {@return the prior's variance of each latent dimension, as fitted: a copy} */
    double[] priorVariances();

    /** {@return the share of its prior variance that a dimension's posterior means must vary by to count as used} */
    double relevanceThreshold();
}
