package org.latent4j.core.model.objective;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.ae.AutoencoderConfig;

/**
 * The sliced-Wasserstein autoencoder (Kolouri, Pope, Martin and Rohde 2019): a deterministic encoder and the loss
 * <pre>
 *   mean_batch -log p(x | decoder(z)) + lambda SW_2^2({z_i}, {z~_i}),   z~_i ~ N(0, I)
 * </pre>
 * with SW_2^2 the mean over {@code projections} random unit directions (drawn afresh each step) of the squared
 * 2-Wasserstein distance between the sorted 1-D projections of the batch's codes and of as many prior draws
 * ({@link org.latent4j.core.divergence.SlicedWasserstein}, p = 2).
 *
 * @param network     the encoder, decoder and likelihood
 * @param lambda      the distance's weight, default 10: the authors' MNIST code's weight (it weighs the mean over
 *                    projections and pairs against a per-pixel mean cross-entropy, so against this library's
 *                    per-example sum its balance is lambda = 10 * 784; say so when comparing)
 * @param projections the random directions L, default 50 (the authors' code)
 */
public record SwaeConfig(@Json.Required AutoencoderConfig network, double lambda, int projections) {
    private static final String NAME = "SwaeConfig";
    /** The authors' code's weight. */
    public static final double DEFAULT_LAMBDA = 10;
    /** The authors' code's number of projections. */
    public static final int DEFAULT_PROJECTIONS = 50;

    /** Checks every field. */
    public SwaeConfig {
        ConfigChecks.required(NAME, "network", network);
        ConfigChecks.positiveFinite(NAME, "lambda", lambda);
        ConfigChecks.positive(NAME, "projections", projections);
    }

    /**
     * {@return the paper's defaults around these networks}
     *
     * @param network the encoder, decoder and likelihood
     */
    public static SwaeConfig of(AutoencoderConfig network) {
        return new SwaeConfig(network, DEFAULT_LAMBDA, DEFAULT_PROJECTIONS);
    }

    static SwaeConfig defaults() {
        return of(AutoencoderConfig.of(1, 1));
    }
}
