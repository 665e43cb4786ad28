package org.latent4j.core.quantize;

import java.util.List;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.random.Rng;

/**
 * The configuration of a {@link FiniteScalarQuantizer}: vectors of {@code dim} features, quantized on the grid of
 * {@code levels} (one entry per quantized dimension; see the quantizer's class comment for the paper's recommended
 * levels per codebook size). With {@code dim == levels.size()} (what {@link #of} gives) the vectors are quantized as
 * they are; otherwise through a learned projection down to levels.size() dimensions and one back up.
 *
 * @param dim    width of the vectors quantized (required)
 * @param levels levels per dimension, each >= 2, product at most 2^24 (required); e.g. [8, 5, 5, 5] for 1000 codes,
 *               [8, 4, 4, 4] or [8, 8, 8] for 512
 */
public record FiniteScalarQuantizerConfig(@Json.Required int dim, @Json.Required List<Integer> levels) {
    private static final String NAME = "FiniteScalarQuantizerConfig";

    /** The paper's recommendation for about 2^10 codes: [8, 5, 5, 5], 1000 codes. */
    public static final List<Integer> DEFAULT_LEVELS = List.of(8, 5, 5, 5);

    /** Checks the levels and the width. */
    public FiniteScalarQuantizerConfig {
        if (dim < 1) throw new IllegalArgumentException(NAME + ".dim must be >= 1, got " + dim);
        try {
            FiniteScalarQuantizer.checkLevels(levels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + ".levels: " + e.getMessage());
        }
        levels = List.copyOf(levels);
    }

    /**
     * Vectors of levels.size() features, no projection.
     *
     * @param levels the levels per dimension
     * @return the config
     */
    public static FiniteScalarQuantizerConfig of(List<Integer> levels) {
        return new FiniteScalarQuantizerConfig(levels == null ? 1 : levels.size(), levels);
    }

    /** The defaults of every field a saved config may lack (both are required). */
    static FiniteScalarQuantizerConfig defaults() {
        return of(DEFAULT_LEVELS);
    }

    /**
     * The implicit codebook's size, prod(levels).
     *
     * @return the size
     */
    public int codebookSize() {
        return (int) FiniteScalarQuantizer.codebookSize(levels);
    }

    /**
     * {@return the quantizer, its projections drawn from rng}
     *
     * @param rng draws the projections' weights
     */
    public FiniteScalarQuantizer create(Rng rng) {
        return new FiniteScalarQuantizer(dim, levels, rng);
    }
}
