package org.latent4j.core.quantize;

import org.latent4j.core.io.Json;
import org.latent4j.tensor.random.Rng;

/**
 * The configuration of a {@link KeyValueBottleneck} (Träuble et al. 2023): vectors of {@code dim} features cut into
 * {@code heads} heads, each with its own codebook of {@code keys} (key, value) pairs.
 *
 * @param dim     width of the vectors quantized and returned, a multiple of heads (required)
 * @param heads   codebooks C (required)
 * @param keys    pairs per codebook K (required)
 * @param keyDim  0 (default) to cut the input into C pieces of dim / C; else each head sees a fixed Gaussian random
 *                projection of the whole input to keyDim dimensions
 * @param keyInit how the keys are drawn from encoder outputs before training: k-means (default) or random rows
 */
public record KeyValueBottleneckConfig(@Json.Required int dim, @Json.Required int heads, @Json.Required int keys, int keyDim,
                                       KeyValueBottleneck.KeyInit keyInit) {
    private static final String NAME = "KeyValueBottleneckConfig";

    /** Checks the sizes. */
    public KeyValueBottleneckConfig {
        if (dim < 1 || heads < 1 || keys < 1) {
            throw new IllegalArgumentException(NAME + ": dim, heads and keys must be >= 1, got " + dim + ", " + heads + ", " + keys);
        }
        if (dim % heads != 0) throw new IllegalArgumentException(NAME + ".dim " + dim + " must be a multiple of the " + heads + " heads");
        if (keyDim < 0) throw new IllegalArgumentException(NAME + ".keyDim must be >= 0 (0: cut the input), got " + keyDim);
        if (keyInit == null) throw new IllegalArgumentException(NAME + ".keyInit must be set");
    }

    /**
     * {@code heads} heads of {@code keys} pairs over the input's pieces, keys by k-means.
     *
     * @param dim the width of the vectors
     * @param heads the codebooks
     * @param keys the pairs per codebook
     * @return the config
     */
    public static KeyValueBottleneckConfig of(int dim, int heads, int keys) {
        return new KeyValueBottleneckConfig(dim, heads, keys, 0, KeyValueBottleneck.KeyInit.KMEANS);
    }

    /** The defaults of every field a saved config may lack (the sizes are required). */
    static KeyValueBottleneckConfig defaults() {
        return of(1, 1, 1);
    }

    /**
     * {@return the bottleneck}
     *
     * @param rng draws the projections and the provisional keys and values
     */
    public KeyValueBottleneck create(Rng rng) {
        return new KeyValueBottleneck(dim, heads, keys, keyDim, keyInit, rng);
    }
}
