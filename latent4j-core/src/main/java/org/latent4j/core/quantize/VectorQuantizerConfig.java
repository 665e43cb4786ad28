package org.latent4j.core.quantize;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;

/**
 * The configuration of a {@link VectorQuantizer}: a codebook of {@code codebookSize} codes for vectors of
 * {@code dim} features, how codes are chosen, how the codebook learns, and how the encoder gets a gradient.
 *
 * <p>Defaults ({@link #of}): the VQ-VAE of van den Oord et al. (2017) — nearest code by squared L2 distance, the
 * straight-through estimator, codebook loss ||sg[z] - e||^2 and commitment loss beta ||z - sg[e]||^2 with beta =
 * 0.25 (the paper found results stable for beta in 0.1..2) — with the codebook initialised by k-means++ and 5 Lloyd
 * iterations on encoder outputs instead of at random (random codes far from the encoder's outputs are the usual
 * start of codebook collapse). The EMA settings are those of the paper's appendix and Razavi et al. (2019): decay
 * 0.99, Laplace smoothing epsilon 1e-5.
 *
 * @param dim              width of the vectors quantized (required)
 * @param codebookSize     codes K (required)
 * @param beta             commitment weight, default 0.25
 * @param update           how the codebook learns: by the gradient of the codebook loss (default) or by exponential
 *                         moving averages of the vectors assigned to each code (then no codebook loss)
 * @param decay            EMA decay gamma, default 0.99
 * @param epsilon          EMA Laplace smoothing of the cluster sizes, default 1e-5
 * @param gradient         the encoder's gradient through the choice: straight-through (default) or the rotation trick
 * @param codebook         the codebook's parameterisation: learned codes (default) or SimVQ's frozen random C times a
 *                         learned linear map W
 * @param distance         nearest code by squared L2 (default), or by cosine with l2-normalised codes and inputs
 * @param init             k-means++ then Lloyd on encoder outputs (default) or random (uniform in +-sqrt(6/d), PyTorch's
 *                         kaiming_uniform, as vector-quantize-pytorch starts); SimVQ's frozen codebook is random by design,
 *                         and its default is MOMENTS: its map (with a bias) set so that the codes start with the mean and
 *                         covariance of encoder outputs (RANDOM: a Glorot-uniform map and no bias, the paper's start)
 * @param kmeansIterations Lloyd iterations after the k-means++ seeding, default 5
 * @param restartDeadAfter a code not chosen in this many consecutive training steps is replaced by a recent encoder
 *                         output; 0 (default) never restarts
 * @param restartPool      recent encoder outputs kept for restarts, default 1024 (a quarter of it renewed per step)
 * @param projectionDim    look codes up in a space of this many dimensions, through a learned linear map down
 *                         and another back up (the factorized codes of Yu et al. 2021, "improved VQGAN"); 0 (default)
 *                         looks up in the input space
 */
public record VectorQuantizerConfig(@Json.Required int dim, @Json.Required int codebookSize, double beta, Update update, double decay, double epsilon,
                                    Gradient gradient, Codebook codebook, Distance distance, Init init, int kmeansIterations, int restartDeadAfter,
                                    int restartPool, int projectionDim) {
    private static final String NAME = "VectorQuantizerConfig";

    /** How the codebook learns. */
    public enum Update {
        /** By gradient descent on the codebook loss ||sg[z] - e||^2 (van den Oord et al. 2017). */
        GRADIENT,
        /** By exponential moving averages of the cluster sizes and sums (the paper's appendix; Razavi et al. 2019). */
        EMA
    }

    /** The encoder's gradient through the choice of code. */
    public enum Gradient {
        /** Straight-through: the gradient at the quantized vector is handed to the input unchanged. */
        STE,
        /** The rotation trick (Fifty et al. 2024): rotated and rescaled from the code to the input. */
        ROTATION
    }

    /** How the codes are parameterised. */
    public enum Codebook {
        /** The codes themselves are learned (or EMA-updated). */
        LEARNED,
        /** SimVQ (Zhu et al. 2024): codes C W with C a frozen random matrix and W one learned linear map. */
        SIMVQ
    }

    /** The distance that picks the code. */
    public enum Distance {
        /** Squared Euclidean. */
        L2,
        /** Cosine: inputs and codes l2-normalised, the code of largest inner product. */
        COSINE
    }

    /** The codebook's initialisation. */
    public enum Init {
        /** k-means++ seeding and Lloyd iterations on encoder outputs, in the model's initialisation hook. */
        KMEANS,
        /** Uniform in [-sqrt(6/d), sqrt(6/d)], d the lookup width; for SimVQ a Glorot-uniform map W and no bias. */
        RANDOM,
        /**
         * SimVQ only: the codes C W^T + b start with the mean and covariance of encoder outputs (b their mean, W =
         * sqrt(d) Sigma^(1/2), since C's rows have covariance I/d), in the model's initialisation hook. Without it W
         * starts at the scale of its initialiser while the encoder's outputs may be far larger, and the codes spend much
         * of training catching up (measured in the README's codebook-collapse benchmark).
         */
        MOMENTS
    }

    /** Checks every setting's range. */
    public VectorQuantizerConfig {
        ConfigChecks.positive(NAME, "dim", dim);
        ConfigChecks.positive(NAME, "codebookSize", codebookSize);
        ConfigChecks.nonNegativeFinite(NAME, "beta", beta);
        ConfigChecks.required(NAME, "update", update);
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException(NAME + ".decay must be in (0, 1), got " + decay);
        ConfigChecks.positiveFinite(NAME, "epsilon", epsilon);
        ConfigChecks.required(NAME, "gradient", gradient);
        ConfigChecks.required(NAME, "codebook", codebook);
        ConfigChecks.required(NAME, "distance", distance);
        ConfigChecks.required(NAME, "init", init);
        if (kmeansIterations < 0) throw new IllegalArgumentException(NAME + ".kmeansIterations must be >= 0, got " + kmeansIterations);
        if (restartDeadAfter < 0) throw new IllegalArgumentException(NAME + ".restartDeadAfter must be >= 0 (0 = never), got " + restartDeadAfter);
        ConfigChecks.positive(NAME, "restartPool", restartPool);
        if (projectionDim < 0) throw new IllegalArgumentException(NAME + ".projectionDim must be >= 0 (0 = none), got " + projectionDim);
        if (codebook == Codebook.SIMVQ && update == Update.EMA) {
            throw new IllegalArgumentException(NAME + ": SimVQ learns its linear map by gradient; it takes no EMA updates");
        }
        if (codebook == Codebook.SIMVQ && init == Init.KMEANS) {
            throw new IllegalArgumentException(NAME + ": SimVQ's frozen codebook is random by design; it takes no k-means initialisation (use init MOMENTS or RANDOM)");
        }
        if (codebook == Codebook.LEARNED && init == Init.MOMENTS) {
            throw new IllegalArgumentException(NAME + ": init MOMENTS sets SimVQ's linear map; learned codes start by KMEANS or RANDOM");
        }
    }

    /**
     * The defaults for K codes of width dim (see the class comment).
     *
     * @param dim the vectors' width
     * @param codebookSize the number of codes K
     * @return the config
     */
    public static VectorQuantizerConfig of(int dim, int codebookSize) {
        return new VectorQuantizerConfig(dim, codebookSize, 0.25, Update.GRADIENT, 0.99, 1e-5, Gradient.STE, Codebook.LEARNED, Distance.L2, Init.KMEANS, 5, 0,
                1024, 0);
    }

    /** The defaults of every field a saved config may lack (the sizes are required). */
    static VectorQuantizerConfig defaults() {
        return of(1, 1);
    }

    /**
     * The width codes are looked up in: {@link #projectionDim} when set, else {@link #dim}.
     *
     * @return the width
     */
    public int lookupDim() {
        return projectionDim > 0 ? projectionDim : dim;
    }

    /**
     * {@return this config with another commitment weight}
     *
     * @param b the weight
     */
    public VectorQuantizerConfig withBeta(double b) {
        return new VectorQuantizerConfig(dim, codebookSize, b, update, decay, epsilon, gradient, codebook, distance, init, kmeansIterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * EMA codebook updates with this decay and the smoothing epsilon.
     *
     * @param d the decay
     * @param eps the smoothing epsilon
     * @return the config
     */
    public VectorQuantizerConfig withEma(double d, double eps) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, Update.EMA, d, eps, gradient, codebook, distance, init, kmeansIterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * {@return this config with another codebook update}
     *
     * @param u the update
     */
    public VectorQuantizerConfig withUpdate(Update u) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, u, decay, epsilon, gradient, codebook, distance, init, kmeansIterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * {@return this config with another gradient estimator}
     *
     * @param g the estimator
     */
    public VectorQuantizerConfig withGradient(Gradient g) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, g, codebook, distance, init, kmeansIterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * The codebook's parameterisation. The data-dependent start follows it: k-means for learned codes becomes the
     * moments for SimVQ and back; a random start stays random.
     *
     * @param c the parameterisation
     * @return the config
     */
    public VectorQuantizerConfig withCodebook(Codebook c) {
        Init i = init == Init.RANDOM ? Init.RANDOM : c == Codebook.SIMVQ ? Init.MOMENTS : Init.KMEANS;
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, gradient, c, distance, i,
                kmeansIterations, restartDeadAfter, restartPool, projectionDim);
    }

    /**
     * {@return this config with another distance}
     *
     * @param d the distance
     */
    public VectorQuantizerConfig withDistance(Distance d) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, gradient, codebook, d, init, kmeansIterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * {@return this config with another data-dependent start}
     *
     * @param i the start
     * @param iterations the k-means iterations
     */
    public VectorQuantizerConfig withInit(Init i, int iterations) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, gradient, codebook, distance, i, iterations, restartDeadAfter,
                restartPool, projectionDim);
    }

    /**
     * Restarts codes unused for {@code steps} consecutive steps (0: never) from a pool of {@code pool} recent inputs.
     *
     * @param steps the steps
     * @param pool the pool's size
     * @return the config
     */
    public VectorQuantizerConfig withRestart(int steps, int pool) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, gradient, codebook, distance, init, kmeansIterations, steps, pool,
                projectionDim);
    }

    /**
     * {@return this config with codes looked up through a projection to lowDim (0: none)}
     *
     * @param lowDim the lookup width
     */
    public VectorQuantizerConfig withProjection(int lowDim) {
        return new VectorQuantizerConfig(dim, codebookSize, beta, update, decay, epsilon, gradient, codebook, distance, init, kmeansIterations, restartDeadAfter,
                restartPool, lowDim);
    }
}
