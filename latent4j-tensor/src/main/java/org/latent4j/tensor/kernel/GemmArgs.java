package org.latent4j.tensor.kernel;

/**
 * Argument checks shared by the {@link Gemm} implementations, so that a wrong dimension, leading
 * dimension or offset fails with one message naming every size instead of an index error deep in a loop.
 */
final class GemmArgs {
    private GemmArgs() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw bad("negative size", transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (ldc < n) throw bad("ldc < n", transA, transB, m, n, k, lda, ldb, ldc);
        if (!fits(c, cOff, m, n, ldc)) throw bad("C does not fit its array (length " + len(c) + ", offset " + cOff + ")", transA, transB, m, n, k, lda, ldb, ldc);
        if (k == 0) return;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        if (lda < aCols) throw bad("lda < " + (transA ? "m" : "k"), transA, transB, m, n, k, lda, ldb, ldc);
        if (ldb < bCols) throw bad("ldb < " + (transB ? "k" : "n"), transA, transB, m, n, k, lda, ldb, ldc);
        if (!fits(a, aOff, aRows, aCols, lda)) throw bad("A does not fit its array (length " + len(a) + ", offset " + aOff + ")", transA, transB, m, n, k, lda, ldb, ldc);
        if (!fits(b, bOff, bRows, bCols, ldb)) throw bad("B does not fit its array (length " + len(b) + ", offset " + bOff + ")", transA, transB, m, n, k, lda, ldb, ldc);
    }

    private static boolean fits(float[] x, int off, int rows, int cols, int ld) {
        return x != null && off >= 0 && off + (long) (rows - 1) * ld + cols <= x.length;
    }

    private static int len(float[] x) {
        return x == null ? -1 : x.length;
    }

    private static IllegalArgumentException bad(String what, boolean transA, boolean transB, int m, int n, int k,
                                                int lda, int ldb, int ldc) {
        return new IllegalArgumentException("sgemm: " + what + ": " + (transA ? "T" : "N") + (transB ? "T" : "N")
                + " m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
    }

    /** C = beta * C, the whole product when k or alpha is 0; beta 0 writes zeros without reading C. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
        }
    }
}
