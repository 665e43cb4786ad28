package org.latent4j.compress.rq;

import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.search.LookupTableScan;
import org.latent4j.compress.search.ParallelScanIndex;
import org.latent4j.tensor.parallel.Parallel;

/**
 * A compressor whose decoded vector is a sum of one codeword per codebook ({@link AdditiveCodebooks}); subclasses
 * choose the codewords (residual quantization's beam search, a learned encoder). A code is the packed indices,
 * then the reconstruction's squared norm ||x^||^2 as {@link NormStorage} says: by default a 4-byte little-endian
 * float (FAISS's ST_norm_float), so that an L2 score is ||q||^2 - 2 sum_m &lt;q, c_m&gt; + ||x^||^2 from one
 * table of inner products per query; or one byte indexing 256 levels fitted on the training rows' norms; or nothing
 * ({@code _nonorm}), the L2 score then adding up ||x^||^2 from the codebooks' cross products (M(M+1)/2 look-ups a
 * code instead of one float).
 */
public abstract class AdditiveCompressor implements Compressor {
    private static final int ROWS_PER_TASK = 256;

    /** The codebooks whose codeword sums approximate the vectors. */
    protected final AdditiveCodebooks codebooks;
    /** Whether each code ends with its reconstruction's squared norm, in any form. */
    protected final boolean storeNorm;
    /** How each code carries its reconstruction's squared norm. */
    protected final NormStorage normStorage;
    /** The 256 ascending levels of a one-byte norm, else null. */
    protected final float[] normLevels;

    /**
     * A compressor whose codes end with a float norm, or with none.
     *
     * @param codebooks the codebooks
     * @param storeNorm whether each code ends with the squared norm as a float
     */
    protected AdditiveCompressor(AdditiveCodebooks codebooks, boolean storeNorm) {
        this(codebooks, storeNorm ? NormStorage.FLOAT : NormStorage.NONE, null);
    }

    /**
     * A compressor storing the norm as {@code storage} says.
     *
     * @param codebooks the codebooks
     * @param storage how each code carries its reconstruction's squared norm
     * @param normLevels the 256 levels when {@code storage} is a one-byte one (checked), otherwise ignored
     */
    protected AdditiveCompressor(AdditiveCodebooks codebooks, NormStorage storage, float[] normLevels) {
        this.codebooks = codebooks;
        this.normStorage = storage;
        this.storeNorm = storage != NormStorage.NONE;
        this.normLevels = storage.quantized() ? NormLevels.check(normLevels.clone(), "additive codes") : null;
    }

    /**
     * The levels for a one-byte norm, fitted on the norms of the reconstructions of rows coded {@code idx} [rows, M].
     *
     * @param storage the norm storage; null levels unless it is a one-byte one
     * @param cb the codebooks
     * @param idx the codes, [rows, M]
     * @param rows the number of rows
     * @return the 256 levels, or null
     */
    protected static float[] fitNormLevels(NormStorage storage, AdditiveCodebooks cb, int[] idx, int rows) {
        if (!storage.quantized()) return null;
        float[] norms = new float[rows];
        int m = cb.books(), d = cb.dimension();
        Parallel.range(rows, ROWS_PER_TASK, (lo, hi) -> {
            float[] rec = new float[d];
            for (int i = lo; i < hi; i++) norms[i] = squaredNorm(cb, idx, i * m, rec);
        });
        return storage.fitLevels(norms, rows);
    }

    private static float squaredNorm(AdditiveCodebooks cb, int[] idx, int off, float[] rec) {
        cb.decode(idx, off, rec, 0);
        double s = 0;
        for (float v : rec) s += (double) v * v;
        return (float) s;
    }

    /** {@return how each code carries its reconstruction's squared norm} */
    public NormStorage normStorage() {
        return normStorage;
    }

    /**
     * A copy of the one-byte norm's levels, or null.
     *
     * @return the levels, or null
     */
    public float[] normLevels() {
        return normLevels == null ? null : normLevels.clone();
    }

    /** {@return the codebooks (the object itself)} */
    public AdditiveCodebooks codebooks() {
        return codebooks;
    }

    /**
     * Whether each code ends with the reconstruction's squared norm.
     *
     * @return true unless the norm is left out
     */
    public boolean storesNorm() {
        return storeNorm;
    }

    /**
     * Chooses the indices [rows, M] (into {@code idx[0]}) of rows {@code x[xOff]} [rows, dimension()].
     *
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param rows the number of rows
     * @param idx receives the indices
     */
    protected abstract void chooseCodes(float[] x, int xOff, int rows, int[] idx);

    @Override
    public int dimension() {
        return codebooks.dimension();
    }

    @Override
    public int codeSize() {
        return codebooks.packedBytes() + normStorage.bytes;
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        int m = codebooks.books(), d = dimension(), size = codeSize();
        int[] idx = new int[Math.multiplyExact(rows, m)];
        chooseCodes(x, xOff, rows, idx);
        Parallel.range(rows, ROWS_PER_TASK, (lo, hi) -> {
            float[] rec = new float[d];
            for (int i = lo; i < hi; i++) {
                codebooks.pack(idx, i * m, codes, codesOff + i * size);
                if (!storeNorm) continue;
                // from the decoded vector itself, the value a search compares with the exact distance to it
                float s = squaredNorm(codebooks, idx, i * m, rec);
                int at = codesOff + i * size + codebooks.packedBytes();
                if (normLevels != null) codes[at] = (byte) NormLevels.nearest(normLevels, s);
                else AdditiveCodebooks.putFloat(codes, at, s);
            }
        });
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        int m = codebooks.books(), d = dimension(), size = codeSize();
        Parallel.range(rows, ROWS_PER_TASK, (lo, hi) -> {
            int[] idx = new int[m];
            for (int i = lo; i < hi; i++) {
                codebooks.unpack(codes, codesOff + i * size, idx);
                codebooks.decode(idx, 0, out, outOff + i * d);
            }
        });
    }

    /**
     * Codes of one byte a codebook are scored by the engine's byte-code scan ({@link AdditiveLookupTables}: the sums
     * {@link #index} computes, bit for bit); other widths by {@link AdditiveDistance}'s loops.
     */
    @Override
    public CodeDistance distance(Metric metric) {
        if (codebooks.nbits() == 8) {
            return LookupTableScan.distance(new AdditiveLookupTables(codebooks, metric, normStorage, normLevels),
                    AdditiveLookupTables.codeTerm(codebooks, metric, normStorage), codeSize());
        }
        return new AdditiveDistance(codebooks, normStorage, normLevels, metric, codeSize());
    }

    /**
     * Multi-threaded exhaustive search: codes of one byte a codebook by the engine's byte-code scan, each code's
     * norm (a stored float, or added up from the cross products for {@code _nonorm}) read or computed once here
     * and held as a float beside the codes; other widths by {@link ParallelScanIndex} over {@link #distance}.
     */
    @Override
    public CodeIndex index(byte[] codes, int count, Metric metric) {
        if (codebooks.nbits() == 8) {
            return new LookupTableScan(new AdditiveLookupTables(codebooks, metric, normStorage, normLevels),
                    AdditiveLookupTables.codeTerm(codebooks, metric, normStorage), codes, codeSize(), count, metric);
        }
        return Compressor.super.index(codes, count, metric);
    }
}
