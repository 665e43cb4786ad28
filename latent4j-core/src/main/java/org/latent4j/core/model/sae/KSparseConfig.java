package org.latent4j.core.model.sae;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;

/**
 * Configuration of the k-sparse autoencoder of Makhzani and Frey (2013, "k-Sparse Autoencoders"), {@link KSparseAutoencoder}.
 *
 * @param dataDim       input features d (>= 1; required in saved configs)
 * @param latents       hidden units L (>= 1; required in saved configs); the command line's default is 8 d
 * @param k             units kept per row once the schedule is over, 1 {@literal <=} k {@literal <=} L (required in saved configs)
 * @param startK        the schedule's first k (>= k): training starts with the startK largest units and moves linearly
 *                      down to k over {@code annealEpochs} epochs, so that every unit is trained before the code becomes
 *                      sparse (the paper's "scheduling of the sparsity level": from 100 down to its target k over the
 *                      first half of the epochs). Default 100 (or k if larger); used at most L. Equal to k: no schedule
 * @param annealEpochs  epochs over which k falls from startK to k (>= 0; default 25, half of train's default 50 epochs,
 *                      as the paper anneals over the first half: set it to half of your epochs)
 * @param encodeAlpha   alpha >= 1 (default 1): encoding ({@code encode}, so also evaluation and reconstruction) keeps the
 *                      alpha k largest units, as the paper does for the features it classifies with (it tunes alpha per
 *                      task); 1 encodes with the k the model was trained with
 */
public record KSparseConfig(@Json.Required int dataDim, @Json.Required int latents, @Json.Required int k, int startK, double annealEpochs,
                            double encodeAlpha) {
    private static final String NAME = "KSparseConfig";

    /** The paper's starting sparsity level on MNIST. */
    public static final int PAPER_START_K = 100;
    public static final double DEFAULT_ANNEAL_EPOCHS = 25;

    /** Checks the sizes and the schedule. */
    public KSparseConfig {
        ConfigChecks.positive(NAME, "dataDim", dataDim);
        ConfigChecks.positive(NAME, "latents", latents);
        ConfigChecks.positive(NAME, "k", k);
        if (k > latents) throw new IllegalArgumentException(NAME + ".k (" + k + ") must be at most latents (" + latents + ")");
        if (!SparseOptions.fits(latents, dataDim)) {
            throw new IllegalArgumentException(NAME + ": latents (" + latents + ") x dataDim (" + dataDim + ") exceeds the " + SparseOptions.MAX_WEIGHTS
                    + " elements of a tensor");
        }
        if (startK < k) throw new IllegalArgumentException(NAME + ".startK (" + startK + ") must be at least k (" + k + ")");
        ConfigChecks.nonNegativeFinite(NAME, "annealEpochs", annealEpochs);
        if (!(encodeAlpha >= 1) || !Double.isFinite(encodeAlpha)) {
            throw new IllegalArgumentException(NAME + ".encodeAlpha must be finite and >= 1, got " + encodeAlpha);
        }
    }

    /**
     * d inputs, L units, k kept, with the paper's schedule from 100 (or k) over 25 epochs and alpha = 1.
     *
     * @param dataDim the data's features d
     * @param latents the units L
     * @param k the units kept
     * @return the config
     */
    public static KSparseConfig of(int dataDim, int latents, int k) {
        return new KSparseConfig(dataDim, latents, k, Math.max(k, PAPER_START_K), DEFAULT_ANNEAL_EPOCHS, 1.0);
    }

    /** The defaults of every field a saved config may lack (the sizes are required). */
    static KSparseConfig defaults() {
        return of(1, 1, 1);
    }

    /**
     * {@return this config with another schedule of k}
     *
     * @param start the k of epoch 0
     * @param epochs the epochs over which k falls to its final value
     */
    public KSparseConfig withSchedule(int start, double epochs) {
        return new KSparseConfig(dataDim, latents, k, start, epochs, encodeAlpha);
    }

    /**
     * {@return this config with another encoding factor}
     *
     * @param alpha the factor of k used when encoding
     */
    public KSparseConfig withEncodeAlpha(double alpha) {
        return new KSparseConfig(dataDim, latents, k, startK, annealEpochs, alpha);
    }

    /**
     * The k of training epoch {@code epoch} (0-based): startK (at most L) at epoch 0, falling linearly to k at epoch
     * {@code annealEpochs}, then k; fixed within an epoch.
     *
     * @param epoch the epoch, from 0
     * @return the k
     */
    public int kAt(int epoch) {
        int first = Math.min(startK, latents);
        if (first <= k || annealEpochs == 0 || epoch >= annealEpochs) return k;
        return (int) Math.round(first + (k - first) * (epoch / annealEpochs));
    }

    /**
     * The k of encoding: alpha k, at most L.
     *
     * @return the k
     */
    public int encodingK() {
        return (int) Math.min(latents, Math.round(encodeAlpha * k));
    }
}
