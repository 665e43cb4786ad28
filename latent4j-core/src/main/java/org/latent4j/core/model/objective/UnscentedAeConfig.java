package org.latent4j.core.model.objective;

import org.latent4j.core.divergence.SigmaPoints;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.vae.VaeConfig;

/**
 * The unscented autoencoder (Janjos, Rosenbaum, Dolgov and Zoellner, ICML 2023), its main variant: a Gaussian encoder
 * N(mu, diag(sigma^2)) whose sigma points ({@link SigmaPoints}, lambda = 1e-3) are decoded in place of random samples,
 * and the KL replaced by the paper's Wasserstein-like regulariser on the per-example posterior:
 * <pre>
 *   recon = mean_batch mean_s -log p(x | decoder(chi_s)),  s over {@code sigmaPoints} points of each row's 2d + 1
 *   reg   = weight * mean_batch ( ||mu||_2 + ||diag(sigma) - I||_F )
 * </pre>
 * The regulariser is the paper's code's: the Frobenius norm of the difference between the posterior's and the
 * prior's covariance square roots (the 2-Wasserstein distance's covariance term) plus the norm of the mean, both
 * unsquared. Left out: the paper's optional decoder regulariser (a gradient-norm penalty of the decoder at mu, weight
 * 1e-6 in its configs), which needs second derivatives.
 *
 * @param vae         the encoder, decoder and likelihood (its samples, beta and KL shaping are unused and must keep
 *                    their defaults)
 * @param weight      the regulariser's weight, default 1 (the paper's 0.00025 weighs it against a per-pixel mean squared
 *                    error, which does not carry over to this library's per-example sums: 1 is the KL's weight in the
 *                    ELBO that it replaces)
 * @param sigmaPoints points decoded per example, each drawn uniformly from the 2d + 1, default 1 (the paper's
 *                    configs); 0 decodes all of them, an unscented transform of the reconstruction with equal weights
 * @param lambda      the sigma points' spread parameter, default 1e-3 (the paper's code)
 */
public record UnscentedAeConfig(@Json.Required VaeConfig vae, double weight, int sigmaPoints, double lambda) {
    private static final String NAME = "UnscentedAeConfig";
    /** The default weight of the regulariser. */
    public static final double DEFAULT_WEIGHT = 1;
    /** sigmaPoints' value for all 2d + 1 points. */
    public static final int ALL_POINTS = 0;

    /** Checks every field. */
    public UnscentedAeConfig {
        ConfigChecks.required(NAME, "vae", vae);
        ObjectiveOptions.plainElbo(NAME, vae);
        if (vae.samples() != 1) throw new IllegalArgumentException(NAME + ".vae.samples must be 1 (sigmaPoints sets the points per example), got " + vae.samples());
        ConfigChecks.positiveFinite(NAME, "weight", weight);
        if (sigmaPoints < 0) throw new IllegalArgumentException(NAME + ".sigmaPoints must be >= 1, or 0 for all 2d + 1, got " + sigmaPoints);
        if (!(lambda > -vae.latentDim()) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException(NAME + ".lambda must exceed -latentDim = " + -vae.latentDim() + ", got " + lambda);
        }
    }

    /**
     * {@return the paper's defaults around these networks}
     *
     * @param vae the encoder, decoder and likelihood
     */
    public static UnscentedAeConfig of(VaeConfig vae) {
        return new UnscentedAeConfig(vae, DEFAULT_WEIGHT, 1, SigmaPoints.PAPER_LAMBDA);
    }

    static UnscentedAeConfig defaults() {
        return of(VaeConfig.of(1, 1));
    }
}
