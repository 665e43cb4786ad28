package org.latent4j.tensor.kernel;

/**
 * Single-precision general matrix multiply on row-major arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(X) = X or X^T.
 *
 * <p>op(A) is m x k and op(B) is k x n. A is stored m x k (lda >= k) when not transposed, k x m
 * (lda >= m) when transposed; likewise B. C is m x n with ldc >= n. When beta is 0, C is not read
 * (NaN in C does not propagate). Implementations may use {@link org.latent4j.tensor.parallel.Parallel}
 * but must give the same bits for any thread count.
 */
public interface Gemm {
    String name();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
