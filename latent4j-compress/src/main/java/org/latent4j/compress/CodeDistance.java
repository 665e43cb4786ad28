package org.latent4j.compress;

/**
 * Asymmetric distances from one query to codes, as {@link Metric} scores (smaller is nearer). Owned by one
 * thread: {@link #setQuery} builds the query's lookup tables, then {@link #scores} may be called on any ranges of
 * codes.
 */
public interface CodeDistance {
    /**
     * Prepares for the query {@code q[off .. off + dimension)} (in the compressor's input space).
     *
     * @param q   holds the query
     * @param off where the query starts in {@code q}
     */
    void setQuery(float[] q, int off);

    /**
     * {@code out[outOff + i - from]} = the score of code i, for i in [from, to) of {@code codes}.
     *
     * @param codes  the codes, code i at {@code i * codeSize}
     * @param from   the first code to score
     * @param to     one past the last code to score
     * @param out    receives the scores
     * @param outOff where the score of code {@code from} goes in {@code out}
     */
    void scores(byte[] codes, int from, int to, float[] out, int outOff);
}
