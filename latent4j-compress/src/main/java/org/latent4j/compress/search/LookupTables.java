package org.latent4j.compress.search;

/**
 * How a LUT-based compressor (product or residual quantization) scores codes for one query: a table of
 * {@link #subspaces()} x {@link #ksub()} partial scores, {@code lut[j * ksub + c]} the score of centroid c in
 * sub-space j, and a constant; a code's score (a {@link org.latent4j.compress.Metric} score, smaller nearer) is the
 * constant plus the sum over j of its centroids' entries. The indexes of this package take one of these and the
 * codes, and do the rest.
 */
public interface LookupTables {
    /**
     * The width of a query.
     *
     * @return the width
     */
    int dimension();

    /**
     * Sub-spaces m: one table row and one centroid index per code for each.
     *
     * @return the number of sub-spaces
     */
    int subspaces();

    /**
     * Entries per sub-space (centroids), at most 256 for byte codes, 16 for the 4-bit fast scan.
     *
     * @return the entries per sub-space
     */
    int ksub();

    /**
     * Writes the table of the query {@code q[off .. off + dimension())} into {@code lut[0 .. subspaces() * ksub())}
     * and returns the constant added to every code's sum (0 when there is none). Called from several threads at
     * once, each with its own lut.
     *
     * @param q the queries, row-major
     * @param off where the query starts in q
     * @param lut receives the table
     * @return the constant added to every code's sum
     */
    float build(float[] q, int off, float[] lut);
}
