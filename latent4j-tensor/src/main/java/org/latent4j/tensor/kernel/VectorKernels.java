package org.latent4j.tensor.kernel;

/**
 * Element-wise and reduction primitives over float arrays, with a scalar implementation
 * ({@link ScalarKernels}) and a Vector-API one ({@link SimdKernels}); {@link Kernels#vector()} gives the
 * one chosen at start-up. Every method reads {@code n} elements from each source at its offset and
 * writes {@code n} elements at the destination offset; sources and destination may be the same array.
 * Implementations must give the same results as the scalar twin up to float rounding.
 */
public interface VectorKernels {
    /** A short name for reports: "scalar" or "simd-256" etc. */
    String name();

    void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** out = a + s */
    void addScalar(float[] a, int ao, float s, float[] out, int oo, int n);

    /** out = a * s */
    void mulScalar(float[] a, int ao, float s, float[] out, int oo, int n);

    /** y += alpha * x */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** Sum of a[ao..ao+n). */
    float sum(float[] a, int ao, int n);

    /** Sum of squares of a[ao..ao+n). */
    float sumOfSquares(float[] a, int ao, int n);

    /** Largest element of a[ao..ao+n), n >= 1 (NaN if any element is NaN). */
    float max(float[] a, int ao, int n);

    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** Sum over i of (a[i] - b[i])^2. */
    float squaredDistance(float[] a, int ao, float[] b, int bo, int n);

    /** out = exp(a) */
    void exp(float[] a, int ao, float[] out, int oo, int n);

    /** out = tanh(a) */
    void tanh(float[] a, int ao, float[] out, int oo, int n);

    /** out = max(a, 0) */
    void relu(float[] a, int ao, float[] out, int oo, int n);
}
