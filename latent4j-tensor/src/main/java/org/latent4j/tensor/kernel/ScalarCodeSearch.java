package org.latent4j.tensor.kernel;

/**
 * The plain-Java {@link CodeSearch}: the reference the Vector-API kernel is tested against (the two give the
 * same bits) and the fallback without the Vector API. Blocks of 4 rows by 4 codes keep 16 independent
 * fused multiply-add chains going, about eight times the speed of one chain at a time, whose every step
 * waits for the previous one.
 */
public final class ScalarCodeSearch extends BlockedCodeSearch {
    public static final ScalarCodeSearch INSTANCE = new ScalarCodeSearch();

    private ScalarCodeSearch() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    void searchTask(int rows, int k0, int k1, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                    float[] bias, int biasOff, float scale, float[] val, float[] idx, int so) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int x0 = xOff + r * ldx, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
            int j = k0;
            for (; j + 4 <= k1; j += 4) {
                int c0 = cOff + j * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
                float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
                float s20 = 0f, s21 = 0f, s22 = 0f, s23 = 0f, s30 = 0f, s31 = 0f, s32 = 0f, s33 = 0f;
                for (int p = 0; p < d; p++) {
                    float a0 = x[x0 + p], a1 = x[x1 + p], a2 = x[x2 + p], a3 = x[x3 + p];
                    float b0 = c[c0 + p], b1 = c[c1 + p], b2 = c[c2 + p], b3 = c[c3 + p];
                    s00 = Math.fma(a0, b0, s00); s01 = Math.fma(a0, b1, s01); s02 = Math.fma(a0, b2, s02); s03 = Math.fma(a0, b3, s03);
                    s10 = Math.fma(a1, b0, s10); s11 = Math.fma(a1, b1, s11); s12 = Math.fma(a1, b2, s12); s13 = Math.fma(a1, b3, s13);
                    s20 = Math.fma(a2, b0, s20); s21 = Math.fma(a2, b1, s21); s22 = Math.fma(a2, b2, s22); s23 = Math.fma(a2, b3, s23);
                    s30 = Math.fma(a3, b0, s30); s31 = Math.fma(a3, b1, s31); s32 = Math.fma(a3, b2, s32); s33 = Math.fma(a3, b3, s33);
                }
                int v = so + r;
                // per row in ascending code order, as the state's rule requires
                update(s00, j, bias, biasOff, scale, val, idx, v); update(s01, j + 1, bias, biasOff, scale, val, idx, v);
                update(s02, j + 2, bias, biasOff, scale, val, idx, v); update(s03, j + 3, bias, biasOff, scale, val, idx, v);
                update(s10, j, bias, biasOff, scale, val, idx, v + 1); update(s11, j + 1, bias, biasOff, scale, val, idx, v + 1);
                update(s12, j + 2, bias, biasOff, scale, val, idx, v + 1); update(s13, j + 3, bias, biasOff, scale, val, idx, v + 1);
                update(s20, j, bias, biasOff, scale, val, idx, v + 2); update(s21, j + 1, bias, biasOff, scale, val, idx, v + 2);
                update(s22, j + 2, bias, biasOff, scale, val, idx, v + 2); update(s23, j + 3, bias, biasOff, scale, val, idx, v + 2);
                update(s30, j, bias, biasOff, scale, val, idx, v + 3); update(s31, j + 1, bias, biasOff, scale, val, idx, v + 3);
                update(s32, j + 2, bias, biasOff, scale, val, idx, v + 3); update(s33, j + 3, bias, biasOff, scale, val, idx, v + 3);
            }
            for (; j < k1; j++) {
                for (int i = 0; i < 4; i++) single(xOff + (r + i) * ldx, j, d, x, c, cOff, ldc, bias, biasOff, scale, val, idx, so + r + i);
            }
        }
        for (; r < rows; r++) {
            for (int j = k0; j < k1; j++) single(xOff + r * ldx, j, d, x, c, cOff, ldc, bias, biasOff, scale, val, idx, so + r);
        }
    }

    private static void single(int xo, int j, int d, float[] x, float[] c, int cOff, int ldc,
                               float[] bias, int biasOff, float scale, float[] val, float[] idx, int s) {
        int co = cOff + j * ldc;
        float acc = 0f;
        for (int p = 0; p < d; p++) acc = Math.fma(x[xo + p], c[co + p], acc);
        update(acc, j, bias, biasOff, scale, val, idx, s);
    }

    private static void update(float acc, int j, float[] bias, int biasOff, float scale, float[] val, float[] idx, int s) {
        float score = Math.fma(acc, scale, bias == null ? 0f : bias[biasOff + j]);
        if (score < val[s]) {
            val[s] = score;
            idx[s] = Float.intBitsToFloat(j);
        }
    }
}
