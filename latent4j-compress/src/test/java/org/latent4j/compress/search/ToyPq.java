package org.latent4j.compress.search;

import java.util.SplittableRandom;
import org.latent4j.compress.Metric;

/**
 * A product quantizer for the tests, written independently of the real one: m sub-spaces of dsub dimensions,
 * ksub random centroids each (drawn from the data so codes are realistic), codes by nearest centroid, one byte per
 * index or two 4-bit indices per byte; tables of squared distances (L2) or negated products (IP).
 */
final class ToyPq implements LookupTables {
    final int m, dsub, ksub;
    final float[] centroids;
    final Metric metric;

    ToyPq(int m, int dsub, int ksub, Metric metric, float[] data, int n, SplittableRandom r) {
        this.m = m;
        this.dsub = dsub;
        this.ksub = ksub;
        this.metric = metric;
        this.centroids = new float[m * ksub * dsub];
        int d = m * dsub;
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < ksub; c++) {
                int row = r.nextInt(n);
                for (int p = 0; p < dsub; p++) centroids[(j * ksub + c) * dsub + p] = data[row * d + j * dsub + p] + (float) (0.05 * r.nextGaussian());
            }
        }
    }

    @Override
    public int dimension() {
        return m * dsub;
    }

    @Override
    public int subspaces() {
        return m;
    }

    @Override
    public int ksub() {
        return ksub;
    }

    @Override
    public float build(float[] q, int off, float[] lut) {
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < ksub; c++) {
                float s = 0;
                for (int p = 0; p < dsub; p++) {
                    float x = q[off + j * dsub + p], y = centroids[(j * ksub + c) * dsub + p];
                    s += metric == Metric.L2 ? (x - y) * (x - y) : -x * y;
                }
                lut[j * ksub + c] = s;
            }
        }
        return 0f;
    }

    int nearest(float[] x, int off, int j) {
        int best = 0;
        float bestD = Float.POSITIVE_INFINITY;
        for (int c = 0; c < ksub; c++) {
            float s = 0;
            for (int p = 0; p < dsub; p++) {
                float diff = x[off + j * dsub + p] - centroids[(j * ksub + c) * dsub + p];
                s += diff * diff;
            }
            if (s < bestD) {
                bestD = s;
                best = c;
            }
        }
        return best;
    }

    /** One byte per sub-space. */
    byte[] encode8(float[] x, int n) {
        byte[] codes = new byte[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) codes[i * m + j] = (byte) nearest(x, i * dimension(), j);
        return codes;
    }

    /** The standard 4-bit layout: sub-space 2i low nibble, 2i + 1 high nibble of byte i. */
    byte[] encode4(float[] x, int n) {
        int cs = (m + 1) / 2;
        byte[] codes = new byte[n * cs];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) codes[i * cs + j / 2] |= (byte) (nearest(x, i * dimension(), j) << (4 * (j & 1)));
        return codes;
    }

    /** 4-bit codes spread to one byte per sub-space (what an exact byte-code scan reads). */
    static byte[] unpack4(byte[] codes, int m, int n) {
        int cs = (m + 1) / 2;
        byte[] out = new byte[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) out[i * m + j] = (byte) ((codes[i * cs + j / 2] >> (4 * (j & 1))) & 0xF);
        return out;
    }

    /** Clustered Gaussian data: 20 centres, so neighbours are meaningful. */
    static float[] data(SplittableRandom r, int n, int d) {
        float[] centres = new float[20 * d];
        for (int i = 0; i < centres.length; i++) centres[i] = (float) (3 * r.nextGaussian());
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(20);
            for (int p = 0; p < d; p++) x[i * d + p] = centres[c * d + p] + (float) r.nextGaussian();
        }
        return x;
    }
}
