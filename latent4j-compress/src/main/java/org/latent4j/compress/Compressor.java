package org.latent4j.compress;

import org.latent4j.tensor.Tensor;

/**
 * A fitted vector compressor: encodes {@link #dimension()}-wide float rows into {@link #codeSize()} bytes each,
 * decodes them back to approximations, and searches a set of codes asymmetrically (the query stays exact, the
 * database is codes). A spec such as {@code OPQ16,PQ16x8} fits to one compressor (a {@link TransformedCompressor}
 * when transforms come first); {@link Compressors#fit} makes them from the registered {@link CompressorKind}s.
 *
 * <p>Codes of n rows are one byte array, row i at {@code i * codeSize()}; the layout within a row is the
 * compressor's own. Implementations are immutable once fitted and safe to use from several threads.
 */
public non-sealed interface Compressor extends Stage {
    /** Bytes per encoded vector, everything the search and the decoder need included (no hidden side arrays). */
    int codeSize();

    /** Encodes rows [rows, dimension()] from {@code x[xOff]} into {@code codes[codesOff ...]}. */
    void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff);

    /** Decodes {@code rows} codes from {@code codes[codesOff]} into rows [rows, dimension()] at {@code out[outOff]}. */
    void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff);

    /**
     * An evaluator of the asymmetric distances from one query at a time to codes. Each call returns a new
     * object that one thread owns (it holds the query's lookup tables).
     */
    CodeDistance distance(Metric metric);

    /**
     * A searchable index over {@code count} codes (the array is used as it is, not copied). The default scans
     * every code with {@link #distance}; a compressor with a faster layout (4-bit fast scan) overrides this.
     */
    default CodeIndex index(byte[] codes, int count, Metric metric) {
        return new ScanIndex(this, codes, count, metric);
    }

    /** Encodes every row of a [n, dimension()] tensor. */
    default byte[] encode(Tensor x) {
        Compressors.requireRows(x, dimension(), "encode");
        int n = x.dim(0);
        byte[] codes = new byte[Math.multiplyExact(n, codeSize())];
        encode(x.data(), 0, n, codes, 0);
        return codes;
    }

    /** Decodes {@code count} codes into a [count, dimension()] tensor. */
    default Tensor decode(byte[] codes, int count) {
        float[] out = new float[Math.multiplyExact(count, dimension())];
        decode(codes, 0, count, out, 0);
        return Tensor.wrap(out, count, dimension());
    }
}
