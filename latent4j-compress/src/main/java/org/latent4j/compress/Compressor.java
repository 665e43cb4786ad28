package org.latent4j.compress;

import org.latent4j.compress.search.ParallelScanIndex;
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
    /** {@return bytes per encoded vector, everything the search and the decoder need included (no hidden side arrays)} */
    int codeSize();

    /**
     * Encodes rows [rows, dimension()] from {@code x[xOff]} into {@code codes[codesOff ...]}.
     *
     * @param x        the rows, row-major
     * @param xOff     where the first row starts in {@code x}
     * @param rows     how many rows
     * @param codes    receives {@code rows * codeSize()} bytes
     * @param codesOff where the first code goes in {@code codes}
     */
    void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff);

    /**
     * Decodes {@code rows} codes from {@code codes[codesOff]} into rows [rows, dimension()] at {@code out[outOff]}.
     *
     * @param codes    the codes
     * @param codesOff where the first code starts in {@code codes}
     * @param rows     how many codes
     * @param out      receives the decoded rows, row-major
     * @param outOff   where the first row goes in {@code out}
     */
    void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff);

    /**
     * An evaluator of the asymmetric distances from one query at a time to codes. Each call returns a new
     * object that one thread owns (it holds the query's lookup tables).
     *
     * @param metric what the scores measure
     * @return a new evaluator
     */
    CodeDistance distance(Metric metric);

    /**
     * A searchable index over {@code count} codes (the array is used as it is, not copied). The default scans
     * every code with {@link #distance} on several threads ({@link ParallelScanIndex}: the neighbours and scores of
     * the single-threaded reference {@link ScanIndex}); a compressor with a faster layout (table scans, the 4-bit
     * fast scan) overrides this.
     *
     * @param codes  the codes, code i at {@code i * codeSize()}
     * @param count  how many codes
     * @param metric what the search ranks by
     * @return the index
     */
    default CodeIndex index(byte[] codes, int count, Metric metric) {
        return new ParallelScanIndex(this, codes, count, metric);
    }

    /**
     * Encodes every row of a tensor.
     *
     * @param x rows [n, dimension()]
     * @return n codes, code i at {@code i * codeSize()}
     */
    default byte[] encode(Tensor x) {
        Compressors.requireRows(x, dimension(), "encode");
        int n = x.dim(0);
        byte[] codes = new byte[Math.multiplyExact(n, codeSize())];
        encode(x.data(), 0, n, codes, 0);
        return codes;
    }

    /**
     * Decodes codes into rows.
     *
     * @param codes the codes, code i at {@code i * codeSize()}
     * @param count how many to decode
     * @return the decoded rows [count, dimension()]
     */
    default Tensor decode(byte[] codes, int count) {
        float[] out = new float[Math.multiplyExact(count, dimension())];
        decode(codes, 0, count, out, 0);
        return Tensor.wrap(out, count, dimension());
    }
}
