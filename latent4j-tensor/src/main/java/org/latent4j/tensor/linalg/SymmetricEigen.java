package org.latent4j.tensor.linalg;

import org.latent4j.tensor.parallel.Parallel;

/**
 * The eigendecomposition of a real symmetric matrix, A = V diag(lambda) V^T, in double precision: Householder
 * reduction to tridiagonal form followed by the implicit QL iteration with Wilkinson-style shifts (the
 * classical method of Wilkinson and Reinsch, Handbook for Automatic Computation vol. II, 1971; Golub and Van
 * Loan, Matrix Computations, 4th ed., sections 8.3.1 and 8.3.5), written for row-major arrays.
 *
 * <p>Results: eigenvalues in descending order; eigenvector j is row j of {@link #vectors()} (n x n, row-major),
 * unit length, the rows mutually orthogonal to about 1e-13 whatever the multiplicities (the vectors are
 * accumulated from orthogonal transformations, never solved for). The sign of each vector is fixed so that
 * its component of largest magnitude is positive (the first such one among equals), so the result does not
 * depend on rounding accidents. Cost: about 4/3 n^3 flops for the reduction and 5 n^3 for the accumulation of
 * the rotations; the rotations act on two contiguous rows at a time (the eigenvectors are kept transposed),
 * and the Householder updates of rows are spread over the engine's threads in chunks fixed by n, so results
 * are identical for any thread count.
 *
 * <p>Only the lower triangle of the input is read (the matrix is taken as symmetric). A non-finite entry is
 * refused. The QL iteration converges for every symmetric matrix in practice; an eigenvalue that takes more
 * than 60 iterations (never observed) is reported as an {@link ArithmeticException}.
 *
 * @param values  the n eigenvalues, largest first
 * @param vectors n x n, row j the unit eigenvector of values[j]
 * @param n       the order
 */
public record SymmetricEigen(double[] values, double[] vectors, int n) {
    /** Rows of trailing work below which the Householder updates run on one thread. */
    private static final int PARALLEL_ROWS = 96;

    /**
     * Decomposes the symmetric n x n matrix {@code a} (row-major; only its lower triangle is read, it is not modified).
     *
     * @param a the matrix
     * @param n its size
     * @return the decomposition
     */
    public static SymmetricEigen of(double[] a, int n) {
        if (n < 0 || a == null || a.length < (long) n * n) {
            throw new IllegalArgumentException("SymmetricEigen: needs an n x n array, got n=" + n + " and " + (a == null ? "null" : a.length + " values"));
        }
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = a[i * n + j];
                if (!Double.isFinite(v)) throw new IllegalArgumentException("SymmetricEigen: entry (" + i + ", " + j + ") is " + v);
                w[i * n + j] = v;
                w[j * n + i] = v;
            }
        }
        double[] d = new double[n], e = new double[n];
        double[] z = tridiagonalize(w, n, d, e);
        ql(d, e, z, n);
        return sorted(d, z, n);
    }

    /**
     * {@link #of(double[], int)} of a float matrix, converted to double first.
     *
     * @param a the matrix
     * @param n its size
     * @return the decomposition
     */
    public static SymmetricEigen of(float[] a, int n) {
        if (n < 0 || a == null || a.length < (long) n * n) {
            throw new IllegalArgumentException("SymmetricEigen: needs an n x n array, got n=" + n + " and " + (a == null ? "null" : a.length + " values"));
        }
        double[] w = new double[n * n];
        for (int i = 0; i < n * n; i++) w[i] = a[i];
        return of(w, n);
    }

    /**
     * Component i of eigenvector j.
     *
     * @param j which eigenvector
     * @param i which component
     * @return the component
     */
    public double vector(int j, int i) {
        return vectors[j * n + i];
    }

    /**
     * Householder reduction of the symmetric matrix w (overwritten) to tridiagonal T = Q^T A Q: diagonal into
     * d, off-diagonal into e (e[i] = T[i][i+1], e[n-1] = 0). Returns Q^T (n x n, row-major), so that row i of
     * the returned matrix times a vector of T's basis gives A's: the eigenvectors of A are the rows of
     * (eigenvectors of T as rows) x Q^T.
     */
    private static double[] tridiagonalize(double[] w, int n, double[] d, double[] e) {
        // Step k zeroes column k below its subdiagonal with the reflector H = I - 2 v v^T acting on rows and
        // columns k+1..n-1. The reflectors are kept (rows of vs) and multiplied together afterwards.
        double[] vs = new double[n * n];
        double[] p = new double[n], q = new double[n];
        for (int k = 0; k + 2 < n; k++) {
            int s = k + 1;
            double norm = 0;
            for (int i = s; i < n; i++) norm += w[i * n + k] * w[i * n + k];
            norm = Math.sqrt(norm);
            double x0 = w[s * n + k];
            if (norm == 0 || norm == Math.abs(x0) && isZeroBelow(w, n, k, s + 1)) {
                // already tridiagonal in this column: nothing to reflect
                continue;
            }
            double alpha = x0 > 0 ? -norm : norm;
            // v = (x - alpha e1) / ||x - alpha e1||; ||x - alpha e1||^2 = 2 norm (norm + |x0|)
            double scale = 1 / Math.sqrt(2 * norm * (norm + Math.abs(x0)));
            int vo = k * n;
            vs[vo + s] = (x0 - alpha) * scale;
            for (int i = s + 1; i < n; i++) vs[vo + i] = w[i * n + k] * scale;
            // p = A v on the trailing block, K = v.p, q = p - K v; A -= 2 (v q^T + q v^T)
            Parallel.range(n - s, rowGrain(n - s), (lo, hi) -> {
                for (int i = s + lo; i < s + hi; i++) {
                    double acc = 0;
                    int r = i * n;
                    for (int j = s; j < n; j++) acc += w[r + j] * vs[vo + j];
                    p[i] = acc;
                }
            });
            double kk = 0;
            for (int i = s; i < n; i++) kk += vs[vo + i] * p[i];
            for (int i = s; i < n; i++) q[i] = p[i] - kk * vs[vo + i];
            Parallel.range(n - s, rowGrain(n - s), (lo, hi) -> {
                for (int i = s + lo; i < s + hi; i++) {
                    double vi = 2 * vs[vo + i], qi = 2 * q[i];
                    int r = i * n;
                    for (int j = s; j < n; j++) w[r + j] -= vi * q[j] + qi * vs[vo + j];
                }
            });
            w[s * n + k] = alpha;
            w[k * n + s] = alpha;
            for (int i = s + 1; i < n; i++) {
                w[i * n + k] = 0;
                w[k * n + i] = 0;
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = w[i * n + i];
            e[i] = i + 1 < n ? w[i * n + i + 1] : 0;
        }
        // Q = H_0 H_1 ... H_{n-3}, built from the identity by applying the reflectors in reverse order on the
        // left (Q_k = H_k Q_{k+1}), which touches only rows and columns k+1.. of the product so far; the QL
        // iteration wants Q^T, whose rows it rotates.
        double[] qm = new double[n * n];
        for (int i = 0; i < n; i++) qm[i * n + i] = 1;
        double[] t = new double[n];
        for (int k = n - 3; k >= 0; k--) {
            int s = k + 1, vo = k * n;
            boolean any = false;
            for (int i = s; i < n; i++) any |= vs[vo + i] != 0;
            if (!any) continue;
            // Q -= 2 v (v^T Q): only rows s.. of Q change, and only its columns s.. are non-trivial yet
            java.util.Arrays.fill(t, 0);
            for (int i = s; i < n; i++) {
                double vi = vs[vo + i];
                if (vi == 0) continue;
                int r = i * n;
                for (int j = s; j < n; j++) t[j] += vi * qm[r + j];
            }
            Parallel.range(n - s, rowGrain(n - s), (lo, hi) -> {
                for (int i = s + lo; i < s + hi; i++) {
                    double vi = 2 * vs[vo + i];
                    if (vi == 0) continue;
                    int r = i * n;
                    for (int j = s; j < n; j++) qm[r + j] -= vi * t[j];
                }
            });
        }
        double[] qt = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) qt[j * n + i] = qm[i * n + j];
        return qt;
    }

    private static boolean isZeroBelow(double[] w, int n, int k, int from) {
        for (int i = from; i < n; i++) if (w[i * n + k] != 0) return false;
        return true;
    }

    private static int rowGrain(int rows) {
        // chunks depend on the size only; small trailing blocks are not worth a hand-off to the pool
        return rows < PARALLEL_ROWS ? Math.max(1, rows) : Math.max(16, rows / 8);
    }

    /**
     * Implicit QL on the tridiagonal (d, e), accumulating the rotations into z (rows = the basis vectors,
     * transformed in place): on return d holds the eigenvalues (unsorted) and row j of z the eigenvector of d[j].
     */
    private static void ql(double[] d, double[] e, double[] z, int n) {
        final double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                int m = l;
                for (; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= eps * dd) break;
                }
                if (m == l) break;
                if (++iterations > 60) throw new ArithmeticException("SymmetricEigen: the QL iteration did not converge for eigenvalue " + l);
                // shift from the leading 2 x 2 block's eigenvalue nearer d[l]
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1, c = 1, p = 0;
                int i = m - 1;
                boolean deflated = false;
                for (; i >= l; i--) {
                    double f = s * e[i], b = c * e[i];
                    r = Math.hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) {
                        // an underflowed rotation: the matrix splits here, restart the sweep
                        d[i + 1] -= p;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    rotate(z, n, i, c, s);
                }
                if (deflated) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    /** Rows i and i+1 of z: (z_i, z_{i+1}) <- (c z_i - s z_{i+1}, s z_i + c z_{i+1}). */
    private static void rotate(double[] z, int n, int i, double c, double s) {
        int a = i * n, b = a + n;
        for (int k = 0; k < n; k++) {
            double zi = z[a + k], zj = z[b + k];
            z[b + k] = s * zi + c * zj;
            z[a + k] = c * zi - s * zj;
        }
    }

    private static SymmetricEigen sorted(double[] d, double[] z, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // descending, ties by original position, so the order is a function of the values
        java.util.Arrays.sort(order, (x, y) -> d[x] != d[y] ? Double.compare(d[y], d[x]) : Integer.compare(x, y));
        double[] values = new double[n], vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            int from = order[j];
            values[j] = d[from];
            System.arraycopy(z, from * n, vectors, j * n, n);
            fixSign(vectors, j * n, n);
        }
        return new SymmetricEigen(values, vectors, n);
    }

    /** Makes the component of largest magnitude (the first among equals) positive. */
    static void fixSign(double[] v, int o, int n) {
        int at = 0;
        double big = -1;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(v[o + i]);
            if (a > big) {
                big = a;
                at = i;
            }
        }
        if (v[o + at] < 0) for (int i = 0; i < n; i++) v[o + i] = -v[o + i];
    }
}
