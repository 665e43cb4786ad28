package org.latent4j.tensor;

/**
 * Loops over strided (non-contiguous or broadcast) layouts. The innermost dimension is a tight loop; the
 * outer ones advance an odometer, so no per-element index arithmetic is repeated.
 */
public final class Strided {
    private Strided() {}

    /**
     * Copies {@code src} in row-major order into {@code dst} starting at {@code dstOff}.
     *
     * @param src the tensor, contiguous or not
     * @param dst the destination array
     * @param dstOff where in dst the first element goes
     */
    public static void copy(Tensor src, float[] dst, int dstOff) {
        float[] s = src.data();
        int n = src.size();
        if (src.isContiguous()) {
            System.arraycopy(s, src.offset(), dst, dstOff, n);
            return;
        }
        int rank = src.rank();
        int[] shape = src.shape();
        int[] st = new int[rank];
        for (int i = 0; i < rank; i++) st[i] = src.stride(i);
        int inner = shape[rank - 1];
        int innerStride = st[rank - 1];
        int rows = n / Math.max(1, inner);
        int[] idx = new int[rank];
        int p = src.offset();
        int o = dstOff;
        for (int r = 0; r < rows; r++) {
            for (int j = 0, q = p; j < inner; j++, q += innerStride) dst[o++] = s[q];
            for (int d = rank - 2; d >= 0; d--) {
                p += st[d];
                if (++idx[d] < shape[d]) break;
                p -= st[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    static void fill(Tensor t, float value) {
        Tensor c = t;
        int rank = c.rank();
        int[] shape = c.shape();
        float[] d = c.data();
        int inner = shape[rank - 1];
        int innerStride = c.stride(rank - 1);
        int rows = c.size() / Math.max(1, inner);
        int[] idx = new int[rank];
        int p = c.offset();
        for (int r = 0; r < rows; r++) {
            for (int j = 0, q = p; j < inner; j++, q += innerStride) d[q] = value;
            for (int k = rank - 2; k >= 0; k--) {
                p += c.stride(k);
                if (++idx[k] < shape[k]) break;
                p -= c.stride(k) * shape[k];
                idx[k] = 0;
            }
        }
    }
}
