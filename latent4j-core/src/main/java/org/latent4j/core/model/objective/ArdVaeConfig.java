package org.latent4j.core.model.objective;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.vae.VaeConfig;

/**
 * A VAE with an automatic relevance determination prior p(z) = N(0, diag(alpha)): one variance alpha_j per latent
 * dimension, fitted in closed form. For a batch, the alpha that maximises the ELBO is
 * <pre>
 *   alpha_j = mean_batch (mu_j^2 + sigma_j^2)         (empirical Bayes: the second moment of the aggregate posterior)
 * </pre>
 * and the loss is the ELBO with KL(q(z|x) || N(0, diag(alpha))) at that alpha. Because alpha maximises the objective,
 * its derivative in alpha is zero there, so treating the fitted alpha as a constant gives the exact gradient of the
 * profiled objective (the envelope theorem): no learned parameter, no learning rate for it, and no lag behind the
 * encoder. A running average of the batches' fits (momentum {@code momentum}) is kept as the model's prior for
 * sampling, the likelihood bound and the evaluation.
 *
 * <p>Which dimensions are used: a prior variance alone does not say, since the decoder can undo any rescaling of a
 * dimension; a ratio does. The relevance of dimension j is r_j = Var_x(mu_j) / alpha_j, with alpha_j fitted to the
 * same data: the share of the dimension's variance that its posterior means carry, between 0 (the posterior ignores
 * x) and 1 (no posterior noise). Dimension j is used when r_j &gt; threshold, default 1/2: with a posterior variance
 * that does not depend on x, the dimension then carries at least 0.5 log 2 = 0.35 nats (half a bit) of information
 * about x. (The active-unit rule's 0.01 on Var_x(mu_j) under N(0, 1) would be r &gt; 0.01 here; on synthetic data a
 * dimension the model does not use keeps r of 0.01 to 0.1 for a long time, a used one reaches 0.9 and more.)
 *
 * @param vae       the encoder, decoder, likelihood, samples, beta and KL warm-up (capacity and free bits must stay off)
 * @param momentum  the running average's momentum, in [0, 1), default 0.99
 * @param threshold the relevance threshold, in (0, 1), default 0.5
 */
public record ArdVaeConfig(@Json.Required VaeConfig vae, double momentum, double threshold) {
    private static final String NAME = "ArdVaeConfig";
    /** The running average's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.99;
    /** The default relevance threshold. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Checks every field. */
    public ArdVaeConfig {
        ConfigChecks.required(NAME, "vae", vae);
        if (vae.capacity() != null || vae.freeBits() != 0) {
            throw new IllegalArgumentException(NAME + ".vae must leave capacity and freeBits off (they target the KL to N(0, I))");
        }
        if (vae.silent() != null) throw new IllegalArgumentException(NAME + ".vae.silent must be null: Silent Gradients serve the ELBO of vae");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException(NAME + ".momentum must be in [0, 1), got " + momentum);
        if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException(NAME + ".threshold must be in (0, 1), got " + threshold);
    }

    /**
     * {@return the defaults around these networks}
     *
     * @param vae the encoder, decoder and likelihood
     */
    public static ArdVaeConfig of(VaeConfig vae) {
        return new ArdVaeConfig(vae, DEFAULT_MOMENTUM, DEFAULT_THRESHOLD);
    }

    static ArdVaeConfig defaults() {
        return of(VaeConfig.of(1, 1));
    }
}
