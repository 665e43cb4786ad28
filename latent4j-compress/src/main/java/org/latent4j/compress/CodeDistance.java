package org.latent4j.compress;

/**
 * Asymmetric distances from one query to codes, as {@link Metric} scores (smaller is nearer). Owned by one
 * thread: {@link #setQuery} builds the query's lookup tables, then {@link #scores} may be called on any ranges of
 * codes.
 */
public interface CodeDistance {
    /** Prepares for the query {@code q[off .. off + dimension)} (in the compressor's input space). */
    void setQuery(float[] q, int off);

    /** {@code out[outOff + i - from]} = the score of code i, for i in [from, to) of {@code codes}. */
    void scores(byte[] codes, int from, int to, float[] out, int outOff);
}
