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
}
