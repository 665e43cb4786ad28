package org.latent4j.compress;

/**
 * A fitted map applied to vectors before they are encoded (PCA, OPQ's rotation): {@code apply} maps
 * {@link #dimension()}-wide rows to {@link #outputDimension()}-wide rows, {@code reverse} maps back (for an
 * orthogonal transform, exactly; for a truncating one, the least-squares reconstruction). Queries go through the
 * same {@code apply} before an asymmetric search, so a transform should preserve the metric it is searched with
 * (an orthogonal map preserves L2 and inner products).
 */
public non-sealed interface VectorTransform extends Stage {
    /** {@return the width of the rows {@link #apply} writes} */
    int outputDimension();

    /**
     * Rows [rows, dimension()] from {@code in[inOff]} to rows [rows, outputDimension()] at {@code out[outOff]}.
     *
     * @param in     the input rows, row-major
     * @param inOff  where the first starts in {@code in}
     * @param rows   how many rows
     * @param out    receives the transformed rows
     * @param outOff where the first goes in {@code out}
     */
    void apply(float[] in, int inOff, int rows, float[] out, int outOff);

    /**
     * Rows [rows, outputDimension()] back to rows [rows, dimension()] (exactly for an orthogonal map; a truncating
     * PCA gives the projection onto its components).
     *
     * @param in     the transformed rows, row-major
     * @param inOff  where the first starts in {@code in}
     * @param rows   how many rows
     * @param out    receives the rows in the input space
     * @param outOff where the first goes in {@code out}
     */
    void reverse(float[] in, int inOff, int rows, float[] out, int outOff);
}
