package org.latent4j.tensor.kernel;

/**
 * Fused nearest-code search: for each row of x, the code (row of a codebook) with the smallest score
 * {@code bias[j] + scale * (x . c_j)}, found without ever writing the n x k matrix of scores to memory.
 * With bias = ||c_j||^2 and scale = -2 that is the nearest code in Euclidean distance (||x||^2 is the same
 * for every code of a row, so it is left out); with no bias and scale = -1 it is the largest inner product.
 * {@link Kernels#codeSearch()} gives the implementation chosen at start-up: {@link ScalarCodeSearch} or the
 * Vector-API one.
 *
 * <p>Every implementation computes each score with exactly these float operations:
 * {@code acc = +0; for p = 0 .. d-1: acc = fma(x[p], c[p], acc); score = fma(acc, scale, bias)}, so the
 * scalar and the Vector-API implementations agree bit for bit, and neither the tiling nor the number of
 * threads changes a score. The winner of a row is the smallest score, the lowest code index among equal
 * scores; a NaN or +Inf score never wins, and a row with no score below +Inf (x holds a NaN, say) gets
 * code 0 with score +Inf. The result is therefore a function of the scores alone: identical for any
 * thread count and on both implementations.
 */
public interface CodeSearch {
    /** A short name for reports. */
    String name();

    /**
     * For i in [0, n): {@code index[indexOff + i]} = the winning code of row i of x and, when {@code score}
     * is not null, {@code score[scoreOff + i]} its score (see the class comment).
     *
     * @param x      n rows of d values, row i at {@code xOff + i * ldx} (ldx >= d)
     * @param c      k codes of d values, code j at {@code cOff + j * ldc} (ldc >= d)
     * @param bias   k values from {@code biasOff}, or null for zeros
     * @param scale  the factor of the inner product (-2 for Euclidean distance, -1 for the largest inner product)
     */
    void argmin(int n, int k, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                float[] bias, int biasOff, float scale, int[] index, int indexOff, float[] score, int scoreOff);
}
