package org.latent4j.compress;

/**
 * Settings for fitting a spec, shared by every kind (a kind reads those that apply to it). Validated on
 * construction; {@link #defaults()} gives the documented defaults, and the {@code with...} methods change one.
 *
 * @param seed              seeds every random choice (sampling, k-means++ seeding, initial rotations)
 * @param maxTrainingRows   at most this many rows (a uniform sample drawn with the seed) train a stage; FAISS
 *                          trains a k-means on at most 256 points per centroid, 65,536 for 256 centroids
 * @param kmeansIterations  Lloyd iterations of the product quantizers' k-means (FAISS's default is 25); the residual and learned
 *                          codes cluster by progressive dimensions, 10 steps of 10 iterations, as FAISS's residual quantizer
 * @param opqIterations     OPQ's alternations of PQ training and the Procrustes rotation update (FAISS: 50)
 * @param beamWidth         residual quantization's beam when encoding (FAISS's {@code max_beam_size}: 5)
 * @param epochs            training epochs of a learned (autoencoder) compressor
 * @param progress          told how far a long fit has gone; {@link FitProgress#NONE} to stay silent
 */
public record FitOptions(long seed, int maxTrainingRows, int kmeansIterations, int opqIterations, int beamWidth, int epochs, FitProgress progress) {
    /** Validates every option; a null progress is {@link FitProgress#NONE}. */
    public FitOptions {
        if (maxTrainingRows < 1) throw new IllegalArgumentException("maxTrainingRows must be at least 1, got " + maxTrainingRows);
        if (kmeansIterations < 0) throw new IllegalArgumentException("kmeansIterations must be at least 0, got " + kmeansIterations);
        if (opqIterations < 1) throw new IllegalArgumentException("opqIterations must be at least 1, got " + opqIterations);
        if (beamWidth < 1) throw new IllegalArgumentException("beamWidth must be at least 1, got " + beamWidth);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (progress == null) progress = FitProgress.NONE;
    }

    /**
     * Seed 0, at most 65,536 training rows, 25 k-means iterations, 50 OPQ iterations, beam 5, 2 epochs (rounds of the
     * learned codes' alternation after their residual-quantizer start: on 10,000 Fashion-MNIST rows, VQAE:16x8 found
     * recall@10 0.604 after 2 rounds, 0.596 after 4 and 0.576 after 12, its codewords fitting the sample ever closer
     * and the other rows worse), silent.
     *
     * @return the defaults
     */
    public static FitOptions defaults() {
        return new FitOptions(0, 65_536, 25, 50, 5, 2, FitProgress.NONE);
    }

    /**
     * {@return these options with that seed}
     *
     * @param s the seed
     */
    public FitOptions withSeed(long s) {
        return new FitOptions(s, maxTrainingRows, kmeansIterations, opqIterations, beamWidth, epochs, progress);
    }

    /**
     * {@return these options with that bound}
     *
     * @param n the most rows a stage trains on
     */
    public FitOptions withMaxTrainingRows(int n) {
        return new FitOptions(seed, n, kmeansIterations, opqIterations, beamWidth, epochs, progress);
    }

    /**
     * {@return these options with that count}
     *
     * @param n Lloyd iterations of every k-means
     */
    public FitOptions withKmeansIterations(int n) {
        return new FitOptions(seed, maxTrainingRows, n, opqIterations, beamWidth, epochs, progress);
    }

    /**
     * {@return these options with that count}
     *
     * @param n OPQ's alternations
     */
    public FitOptions withOpqIterations(int n) {
        return new FitOptions(seed, maxTrainingRows, kmeansIterations, n, beamWidth, epochs, progress);
    }

    /**
     * {@return these options with that beam}
     *
     * @param n residual quantization's encoding beam
     */
    public FitOptions withBeamWidth(int n) {
        return new FitOptions(seed, maxTrainingRows, kmeansIterations, opqIterations, n, epochs, progress);
    }

    /**
     * {@return these options with that count}
     *
     * @param n training epochs of a learned compressor
     */
    public FitOptions withEpochs(int n) {
        return new FitOptions(seed, maxTrainingRows, kmeansIterations, opqIterations, beamWidth, n, progress);
    }

    /**
     * {@return these options with that listener}
     *
     * @param p told how far a fit has gone
     */
    public FitOptions withProgress(FitProgress p) {
        return new FitOptions(seed, maxTrainingRows, kmeansIterations, opqIterations, beamWidth, epochs, p);
    }
}
