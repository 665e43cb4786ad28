package org.latent4j.tensor.kernel;

/**
 * The plain-Java {@link CodeScan}: one code, one vector at a time, exactly as the interface defines the scores.
 * The reference the faster implementation is tested against, and the fallback without the Vector API.
 */
public final class ScalarCodeScan implements CodeScan {
    public static final ScalarCodeScan INSTANCE = new ScalarCodeScan();

    private ScalarCodeScan() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void scan8(int m, int ksub, float[] lut, int lutOff, int queries, int lutStride, byte[] codes, int codesOff, int stride, int n,
                      float[] out, int outOff, int outStride) {
        for (int t = 0; t < queries; t++) {
            int lo = lutOff + t * lutStride, oo = outOff + t * outStride;
            for (int i = 0; i < n; i++) {
                int co = codesOff + i * stride;
                float acc = 0f;
                for (int j = 0; j < m; j++) acc += lut[lo + j * ksub + (codes[co + j] & 0xFF)];
                out[oo + i] = acc;
            }
        }
    }

    @Override
    public void scan4(int pairs, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        int bb = pairs * 2 * FastScanLayout.KSUB;
        for (int b = blockFrom; b < blockTo; b++) {
            int bo = b * bb, o = outOff + (b - blockFrom) * FastScanLayout.BLOCK;
            for (int t = 0; t < FastScanLayout.BLOCK; t++) {
                int shift = t < 16 ? 0 : 4, row = t & 15, sum = 0;
                for (int j = 0; j < 2 * pairs; j++) {
                    int nib = (blocks[bo + j * FastScanLayout.KSUB + row] >> shift) & 0xF;
                    sum += qlut[j * FastScanLayout.KSUB + nib] & 0xFF;
                }
                out[o + t] = (short) sum;
            }
        }
    }

    @Override
    public void scanBytes(int m, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        int bb = m * FastScanLayout.BYTE_BLOCK;
        for (int b = blockFrom; b < blockTo; b++) {
            int bo = b * bb, o = outOff + (b - blockFrom) * FastScanLayout.BYTE_BLOCK;
            for (int t = 0; t < FastScanLayout.BYTE_BLOCK; t++) {
                int sum = 0;
                for (int j = 0; j < m; j++) sum += qlut[j * 256 + (blocks[bo + j * FastScanLayout.BYTE_BLOCK + t] & 0xFF)] & 0xFF;
                out[o + t] = (short) sum;
            }
        }
    }

    @Override
    public int below(short[] scores, int from, int to, int bound, int[] pos, int posOff) {
        int w = posOff;
        for (int i = from; i < to; i++) {
            if (Short.toUnsignedInt(scores[i]) < bound) pos[w++] = i;
        }
        return w - posOff;
    }

    /** Four accumulators (two for nibbles) so that the additions do not wait on each other. */
    @Override
    public void sqL2(int bits, int d, float[] a, float[] step, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            int co = codesOff + i * stride;
            out[outOff + i] = bits == 8 ? l2Bytes(d, a, step, codes, co) : l2Nibbles(d, a, step, codes, co);
        }
    }

    private static float l2Bytes(int d, float[] a, float[] step, byte[] codes, int co) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            float e0 = a[j] - (codes[co + j] & 0xff) * step[j];
            float e1 = a[j + 1] - (codes[co + j + 1] & 0xff) * step[j + 1];
            float e2 = a[j + 2] - (codes[co + j + 2] & 0xff) * step[j + 2];
            float e3 = a[j + 3] - (codes[co + j + 3] & 0xff) * step[j + 3];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
        }
        for (; j < d; j++) {
            float e = a[j] - (codes[co + j] & 0xff) * step[j];
            s0 += e * e;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float l2Nibbles(int d, float[] a, float[] step, byte[] codes, int co) {
        float s0 = 0, s1 = 0;
        int j = 0;
        for (; j + 1 < d; j += 2) {
            int b = codes[co + (j >> 1)];
            float e0 = a[j] - (b & 0xf) * step[j];
            float e1 = a[j + 1] - ((b >> 4) & 0xf) * step[j + 1];
            s0 += e0 * e0;
            s1 += e1 * e1;
        }
        if (j < d) {
            float e = a[j] - (codes[co + (j >> 1)] & 0xf) * step[j];
            s0 += e * e;
        }
        return s0 + s1;
    }

    @Override
    public void sqInnerProduct(int bits, int d, float[] w, float base, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            int co = codesOff + i * stride;
            float s0 = 0, s1 = 0;
            if (bits == 8) {
                int j = 0;
                for (; j + 1 < d; j += 2) {
                    s0 += w[j] * (codes[co + j] & 0xff);
                    s1 += w[j + 1] * (codes[co + j + 1] & 0xff);
                }
                if (j < d) s0 += w[j] * (codes[co + j] & 0xff);
            } else {
                int j = 0;
                for (; j + 1 < d; j += 2) {
                    int b = codes[co + (j >> 1)];
                    s0 += w[j] * (b & 0xf);
                    s1 += w[j + 1] * ((b >> 4) & 0xf);
                }
                if (j < d) s0 += w[j] * (codes[co + (j >> 1)] & 0xf);
            }
            out[outOff + i] = -(base + s0 + s1);
        }
    }
}
