package org.latent4j.compress;

import org.latent4j.tensor.Tensor;

/**
 * One kind of spec token ({@code SQ8}, {@code PQ16x8}, {@code OPQ16}, {@code RQ4x8}...): its syntax, how to fit it
 * and how to load it. Registered by one line in {@code META-INF/services/org.latent4j.compress.CompressorKind} of
 * any jar on the class path; {@link CompressorKinds} finds them, and {@code compress --help}, the codes file and
 * the tests iterate them, so a new compressor is a class plus that line.
 */
public interface CompressorKind {
    /** {@return the kind's name, the letters its tokens start with ({@code PQ}); also what a {@link StageState} records} */
    String name();

    /** {@return the token's syntax for help, such as {@code PQ<m>[x<nbits>]}} */
    String syntax();

    /** {@return one line on what it is, for help} */
    String summary();

    /** {@return an example token, used by help and by the tests that fit every kind ({@code PQ8x8})} */
    String example();

    /** {@return whether this kind makes a {@link VectorTransform} (which must be followed by more stages) rather than a {@link Compressor}} */
    boolean isTransform();

    /**
     * Whether a token belongs to this kind. Must not claim another kind's tokens: {@link CompressorKinds} refuses
     * a token that two kinds claim.
     *
     * @param token one comma-separated part of a spec
     * @return whether the token is of this kind
     */
    boolean accepts(String token);

    /**
     * Checks a token without fitting anything, for the given input dimension (for example, m must divide the
     * dimension). Throws {@link IllegalArgumentException} with one line naming the token and what is wrong.
     *
     * @param token     a token this kind accepts
     * @param dimension the width of the rows the stage would see
     */
    void validate(String token, int dimension);

    /**
     * Fits a stage on training rows [n, d] (already passed through the stages before it). The rows are at most
     * {@link FitOptions#maxTrainingRows()} (a sample drawn by the caller); the stage may not keep a reference to them.
     *
     * @param token   a token this kind accepts
     * @param train   the training rows [n, d]
     * @param options seed, iterations and the other fitting options
     * @return the fitted stage
     */
    Stage fit(String token, Tensor train, FitOptions options);

    /**
     * Rebuilds a fitted stage from what {@link Stage#state()} gave, refusing inconsistent arrays with one line.
     *
     * @param state the stage's kind, token, config and arrays, as saved
     * @return the stage, equal in behaviour to the one saved
     */
    Stage load(StageState state);
}
