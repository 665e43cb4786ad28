package org.latent4j.compress.rq;

import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Metric;

/**
 * Asymmetric distances to additive codes from one table of the query's inner products with every codeword:
 * L2 = ||q||^2 - 2 sum_m lut[m, i_m] + ||x^||^2 (the stored norm or its byte's level, or the codebooks' cross
 * products without it),
 * inner product = -sum_m lut[m, i_m]. For codes whose indices are packed in fewer than 8 bits; codes of one byte a
 * codebook go through {@link AdditiveLookupTables} and the engine's byte-code scan instead.
 */
final class AdditiveDistance implements CodeDistance {
    private final AdditiveCodebooks cb;
    private final boolean storedNorm;
    private final float[] normLevels;
    private final Metric metric;
    private final int codeSize;
    private final float[] lut;
    private final int[] idx;
    private float queryNorm;

    AdditiveDistance(AdditiveCodebooks cb, NormStorage storage, float[] normLevels, Metric metric, int codeSize) {
        this.cb = cb;
        this.storedNorm = storage != NormStorage.NONE;
        this.normLevels = normLevels;
        this.metric = metric;
        this.codeSize = codeSize;
        this.lut = new float[cb.books() * cb.codewordsPerBook()];
        this.idx = new int[cb.books()];
    }

    @Override
    public void setQuery(float[] q, int off) {
        cb.innerProducts(q, off, lut);
        queryNorm = cb.queryNorm(q, off);
    }

    @Override
    public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
        if (metric == Metric.INNER_PRODUCT) scanInnerProduct(codes, from, to, out, outOff);
        else scanL2(codes, from, to, out, outOff);
    }

    private void scanL2(byte[] codes, int from, int to, float[] out, int outOff) {
        int k = cb.codewordsPerBook(), books = cb.books();
        for (int i = from; i < to; i++) {
            int c = i * codeSize;
            cb.unpack(codes, c, idx);
            float ip = 0;
            for (int m = 0; m < books; m++) ip += lut[m * k + idx[m]];
            float norm = normLevels != null ? normLevels[codes[c + cb.packedBytes()] & 0xff]
                    : storedNorm ? AdditiveCodebooks.getFloat(codes, c + cb.packedBytes()) : cb.reconstructionNorm(idx, 0);
            out[outOff + i - from] = queryNorm - 2f * ip + norm;
        }
    }

    private void scanInnerProduct(byte[] codes, int from, int to, float[] out, int outOff) {
        int k = cb.codewordsPerBook(), books = cb.books();
        for (int i = from; i < to; i++) {
            cb.unpack(codes, i * codeSize, idx);
            float ip = 0;
            for (int m = 0; m < books; m++) ip += lut[m * k + idx[m]];
            out[outOff + i - from] = -ip;
        }
    }
}
