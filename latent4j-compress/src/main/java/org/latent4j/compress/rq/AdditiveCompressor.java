package org.latent4j.compress.rq;

import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.tensor.parallel.Parallel;

/**
 * A compressor whose decoded vector is a sum of one codeword per codebook ({@link AdditiveCodebooks}); subclasses
 * choose the codewords (residual quantization's beam search, a learned encoder). A code is the packed indices,
 * then, unless the token says {@code _nonorm}, the reconstruction's squared norm ||x^||^2 as a 4-byte little-endian
 * float (FAISS's ST_norm_float), so that an L2 score is ||q||^2 - 2 sum_m &lt;q, c_m&gt; + ||x^||^2 from one
 * table of inner products per query. Without the stored norm the L2 score adds up ||x^||^2 from the codebooks'
 * cross products (M(M+1)/2 look-ups a code instead of one float).
 */
public abstract class AdditiveCompressor implements Compressor {
    private static final int ROWS_PER_TASK = 256;

    protected final AdditiveCodebooks codebooks;
    protected final boolean storeNorm;

    protected AdditiveCompressor(AdditiveCodebooks codebooks, boolean storeNorm) {
        this.codebooks = codebooks;
        this.storeNorm = storeNorm;
    }

    public AdditiveCodebooks codebooks() {
        return codebooks;
    }

    /** Whether each code ends with the reconstruction's squared norm. */
    public boolean storesNorm() {
        return storeNorm;
    }

    /** Chooses the indices [rows, M] (into {@code idx[0]}) of rows {@code x[xOff]} [rows, dimension()]. */
    protected abstract void chooseCodes(float[] x, int xOff, int rows, int[] idx);

    @Override
    public int dimension() {
        return codebooks.dimension();
    }

    @Override
    public int codeSize() {
        return codebooks.packedBytes() + (storeNorm ? 4 : 0);
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
                codebooks.decode(idx, i * m, rec, 0);
                double s = 0;
                for (float v : rec) s += (double) v * v;
                AdditiveCodebooks.putFloat(codes, codesOff + i * size + codebooks.packedBytes(), (float) s);
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

    @Override
    public CodeDistance distance(Metric metric) {
        return new AdditiveDistance(codebooks, storeNorm, metric, codeSize());
    }
}
