package org.latent4j.core.model.sae;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;

/**
 * Configuration of a top-k sparse autoencoder ({@link TopKSae}, Gao et al. 2024, "Scaling and evaluating sparse
 * autoencoders"). Start from {@link #of} and change fields with the {@code with...} methods; the compact constructor
 * validates every field and names the one at fault.
 *
 * @param dataDim     input features d (>= 1; required in saved configs)
 * @param latents     dictionary size L (>= 1; required in saved configs); the command line's default is 8 d
 * @param k           latents kept per row, 1 {@literal <=} k {@literal <=} L (required in saved configs); the command line's default is 32
 * @param auxK        whether the AuxK loss is on (default true)
 * @param auxKAlpha   the AuxK loss's weight alpha (default 1/32, as Gao et al.)
 * @param auxKK       k_aux, the dead latents AuxK reconstructs the error from, per row (>= 1; required in saved configs,
 *                    its default depending on d: the power of two nearest d / 2, as Gao et al. choose it; fewer are used
 *                    when fewer latents are dead)
 * @param deadTokens  the dead-latent window N: a latent is dead once it has not fired in the last N training rows; 0
 *                    (the default) means one pass over the training rows, at most {@link #PAPER_DEAD_TOKENS} (Gao et
 *                    al.'s 10M tokens), resolved when the model is initialised; at most {@link #MAX_DEAD_TOKENS}
 */
public record TopKSaeConfig(@Json.Required int dataDim, @Json.Required int latents, @Json.Required int k, boolean auxK, double auxKAlpha,
                            @Json.Required int auxKK, int deadTokens) {
    private static final String NAME = "TopKSaeConfig";

    /** Gao et al.'s window: a latent is dead when it has not fired for 10 million tokens. */
    public static final int PAPER_DEAD_TOKENS = 10_000_000;
    /**
     * The largest window, 2^24: the per-latent counts are float32 buffers (saved with the weights), exact for whole
     * numbers up to 2^24, and they stop counting at the window.
     */
    public static final int MAX_DEAD_TOKENS = 1 << 24;
    /** Gao et al.'s AuxK weight. */
    public static final double DEFAULT_AUXK_ALPHA = 1.0 / 32;

    /** Checks the sizes and weights. */
    public TopKSaeConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "latents", latents);
        ConfigChecks.positive(NAME, "k", k);
        if (k > latents) throw new IllegalArgumentException(NAME + ".k (" + k + ") must be at most latents (" + latents + ")");
        if (!SparseOptions.fits(latents, dataDim)) {
            throw new IllegalArgumentException(NAME + ": latents (" + latents + ") x dataDim (" + dataDim + ") exceeds the " + SparseOptions.MAX_WEIGHTS
                    + " elements of a tensor");
        }
        ConfigChecks.nonNegativeFinite(NAME, "auxKAlpha", auxKAlpha);
        ConfigChecks.positive(NAME, "auxKK", auxKK);
        if (deadTokens < 0 || deadTokens > MAX_DEAD_TOKENS) {
            throw new IllegalArgumentException(NAME + ".deadTokens must be between 0 (one pass over the training rows) and " + MAX_DEAD_TOKENS
                    + ", got " + deadTokens);
        }
    }

    /**
     * d inputs, L latents, top-k, with AuxK on at Gao et al.'s settings and the default dead window.
     *
     * @param dataDim the data's features d
     * @param latents the latents L
     * @param k the latents kept per row
     * @return the config
     */
    public static TopKSaeConfig of(int dataDim, int latents, int k) {
        return new TopKSaeConfig(dataDim, latents, k, true, DEFAULT_AUXK_ALPHA, defaultAuxKK(dataDim), 0);
    }

    /** The defaults of every field a saved config may lack (the sizes are required). */
    static TopKSaeConfig defaults() {
        return of(1, 1, 1);
    }

    /**
     * Gao et al.'s k_aux: "a power of two close to d_model / 2" (512 for d = 768 or 784), here the nearest on a log scale.
     *
     * @param dataDim the data's features
     * @return k_aux
     */
    public static int defaultAuxKK(int dataDim) {
        long exponent = Math.round(Math.log(dataDim / 2.0) / Math.log(2));
        return 1 << (int) Math.max(0, Math.min(30, exponent));
    }

    /**
     * AuxK on or off, its weight and its k.
     *
     * @param on whether AuxK is used
     * @param alpha its weight in the loss
     * @param kAux its k
     * @return the config
     */
    public TopKSaeConfig withAuxK(boolean on, double alpha, int kAux) {
        return new TopKSaeConfig(dataDim, latents, k, on, alpha, kAux, deadTokens);
    }

    /**
     * The dead-latent window in training rows (0: one pass over the training rows, at most 10M).
     *
     * @param n the window
     * @return the config
     */
    public TopKSaeConfig withDeadTokens(int n) {
        return new TopKSaeConfig(dataDim, latents, k, auxK, auxKAlpha, auxKK, n);
    }

    /**
     * The window a model of this config uses for {@code trainingRows} training rows.
     *
     * @param trainingRows the number of training rows
     * @return the window
     */
    public int deadWindow(long trainingRows) {
        if (deadTokens > 0) return deadTokens;
        return (int) Math.max(1, Math.min(PAPER_DEAD_TOKENS, trainingRows));
    }
}
