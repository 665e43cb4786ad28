package org.latent4j.compress.rq;

import org.latent4j.compress.Metric;
import org.latent4j.compress.search.LookupTableScan.CodeTerm;
import org.latent4j.compress.search.LookupTables;

/**
 * The lookup tables of additive codes of one byte a codebook, so that the engine's byte-code scan scores them as it
 * scores PQ codes. L2: ||q - x^||^2 = ||q||^2 + sum_m (-2 &lt;q, c_m&gt;) + ||x^||^2, the query's norm the constant,
 * -2 &lt;q, c_m&gt; the table of book m; the reconstruction's norm is, by its storage, one more table (a one-byte norm:
 * its 256 levels, the same for every query) or a {@link CodeTerm} (a stored float, or the codebooks' cross products
 * added up from the indices: computed once per code when an index is built, so that codes without a norm byte scan
 * as fast as codes with one). Inner product: the table -&lt;q, c_m&gt; and no norm.
 */
final class AdditiveLookupTables implements LookupTables {
    private final AdditiveCodebooks cb;
    private final Metric metric;
    private final float[] normLevels;

    /**
     * @param cb the codebooks (nbits = 8)
     * @param metric what the scores measure
     * @param storage how a code carries its norm
     * @param normLevels the 256 levels of a one-byte norm, else null
     */
    AdditiveLookupTables(AdditiveCodebooks cb, Metric metric, NormStorage storage, float[] normLevels) {
        if (cb.nbits() != 8) throw new IllegalArgumentException("byte-code tables need 8-bit indices, got " + cb.nbits());
        this.cb = cb;
        this.metric = metric;
        this.normLevels = metric == Metric.L2 && storage.quantized() ? normLevels : null;
    }

    /**
     * The term a code adds besides its tables: the reconstruction's squared norm when the metric is L2 and it is not
     * a table of levels.
     */
    static CodeTerm codeTerm(AdditiveCodebooks cb, Metric metric, NormStorage storage) {
        if (metric != Metric.L2 || storage.quantized()) return null;
        int at = cb.packedBytes();
        return storage == NormStorage.FLOAT ? (codes, off) -> AdditiveCodebooks.getFloat(codes, off + at) : cb::reconstructionNorm;
    }

    @Override
    public int dimension() {
        return cb.dimension();
    }

    @Override
    public int subspaces() {
        return cb.books() + (normLevels == null ? 0 : 1);
    }

    @Override
    public int ksub() {
        return cb.codewordsPerBook();
    }

    @Override
    public float build(float[] q, int off, float[] lut) {
        cb.innerProducts(q, off, lut);
        int n = cb.books() * cb.codewordsPerBook();
        float scale = metric == Metric.L2 ? -2f : -1f;
        for (int j = 0; j < n; j++) lut[j] *= scale;
        if (metric != Metric.L2) return 0f;
        if (normLevels != null) System.arraycopy(normLevels, 0, lut, n, normLevels.length);
        return cb.queryNorm(q, off);
    }
}
