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
 * dimension; the ratio does. Dimension j is used when Var_x(mu_j) &gt; threshold * alpha_j (its posterior means carry
 * that share of its prior variance), the active-unit rule (Burda et al. 2016: Var_x(mu_j) &gt; 0.01 under N(0, 1))
 * made independent of the dimension's scale.
 *
 * @param vae       the encoder, decoder, likelihood, samples, beta and KL warm-up (capacity and free bits must stay off)
 * @param momentum  the running average's momentum, in [0, 1), default 0.99
 * @param threshold the relevance threshold, in (0, 1), default 0.01
 */
public record ArdVaeConfig(@Json.Required VaeConfig vae, double momentum, double threshold) {
    private static final String NAME = "ArdVaeConfig";
    /** The running average's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.99;
    /** The default relevance threshold. */
    public static final double DEFAULT_THRESHOLD = 0.01;

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
