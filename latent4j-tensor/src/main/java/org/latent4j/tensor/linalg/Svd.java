package org.latent4j.tensor.linalg;

import org.latent4j.tensor.parallel.Parallel;

/**
 * The thin singular value decomposition A = U diag(s) V^T of a real rows x cols matrix, in double precision,
 * through the symmetric eigendecomposition ({@link SymmetricEigen}) of the Gram matrix of its smaller side:
 * for rows >= cols, A^T A = V diag(s^2) V^T, then U = A V diag(1/s). Left singular vectors of singular values
 * too small to divide by (below 1e-12 of the largest, or zero) are completed to an orthonormal set, and the
 * columns whose singular value is below 1e-4 of the largest (whose orthogonality the division no longer
 * guarantees to 1e-10) are re-orthogonalized against all others, so U and V always have orthonormal columns.
 *
 * <p>Accuracy: forming the Gram matrix squares the condition number, so the right singular vectors of singular
 * values below about 1e-8 of the largest are only a basis of their joint subspace; the singular values below
 * 1e-4 of the largest are therefore measured again as u_j . A v_j (absolute error about 1e-13 of the largest),
 * so that U S V^T reproduces A to about 1e-12 of its norm, and every orthogonality property holds to about
 * 1e-12. That suits the uses here (orthogonal Procrustes for OPQ, where directions of tiny singular value hardly
 * change the objective); it is not a way to resolve the individual directions of tiny singular values.
 *
 * @param u    rows x r, row-major: column j is the left singular vector of s[j]
 * @param s    the r = min(rows, cols) singular values, largest first, non-negative
 * @param v    cols x r, row-major: column j is the right singular vector of s[j]
 * @param rows rows of A
 * @param cols columns of A
 */
public record Svd(double[] u, double[] s, double[] v, int rows, int cols) {
    /** Singular values below this fraction of the largest have their left vectors completed, not divided out. */
    static final double NULL_FRACTION = 1e-12;
    /** Columns of U for singular values below this fraction of the largest are re-orthogonalized. */
    static final double REORTHOGONALIZE_FRACTION = 1e-4;

    /**
     * The number of singular values, min(rows, cols).
     *
     * @return min(rows, cols)
     */
    public int rank() {
        return s.length;
    }

    /**
     * Decomposes {@code a} (rows x cols, row-major; not modified).
     *
     * @param a the matrix
     * @param rows its rows
     * @param cols its columns
     * @return the decomposition
     */
    public static Svd of(double[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || a == null || a.length < (long) rows * cols) {
            throw new IllegalArgumentException("Svd: needs a rows x cols array, got " + rows + " x " + cols + " and "
                    + (a == null ? "null" : a.length + " values"));
        }
        for (int i = 0; i < rows * cols; i++) {
            if (!Double.isFinite(a[i])) throw new IllegalArgumentException("Svd: entry (" + i / cols + ", " + i % cols + ") is " + a[i]);
        }
        if (rows >= cols) return tall(a, rows, cols);
        // A^T = V S U^T: decompose the transpose and swap the factors
        Svd t = tall(transpose(a, rows, cols), cols, rows);
        return new Svd(t.v, t.s, t.u, rows, cols);
    }

    /**
     * {@link #of(double[], int, int)} of a float matrix.
     *
     * @param a the matrix
     * @param rows its rows
     * @param cols its columns
     * @return the decomposition
     */
    public static Svd of(float[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || a == null || a.length < (long) rows * cols) {
            throw new IllegalArgumentException("Svd: needs a rows x cols array, got " + rows + " x " + cols);
        }
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = a[i];
        return of(d, rows, cols);
    }

    /**
     * The orthogonal matrix R (n x n, row-major) that maximises trace(R^T M), that is, minimises ||X R - Y||_F
     * when M = X^T Y (the orthogonal Procrustes problem, Schoenemann 1966): R = U V^T from M = U S V^T.
     *
     * @param m the matrix M, n x n, row-major
     * @param n its size
     * @return R, row-major
     */
    public static double[] orthogonalProcrustes(double[] m, int n) {
        Svd svd = of(m, n, n);
        double[] r = new double[n * n];
        // R[i][k] = sum_j U[i][j] V[k][j], row by row in parallel (rows are independent: same bits for any thread count)
        Parallel.range(n, grain(n), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int k = 0; k < n; k++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) acc += svd.u[i * n + j] * svd.v[k * n + j];
                    r[i * n + k] = acc;
                }
            }
        });
        return r;
    }

    private static Svd tall(double[] a, int rows, int cols) {
        int r = cols;
        // Gram matrix G = A^T A (cols x cols), lower triangle, rows of the result in parallel
        double[] at = transpose(a, rows, cols);
        double[] g = new double[cols * cols];
        Parallel.range(cols, grain(cols), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j <= i; j++) {
                    double acc = 0;
                    int x = i * rows, y = j * rows;
                    for (int k = 0; k < rows; k++) acc += at[x + k] * at[y + k];
                    g[i * cols + j] = acc;
                }
            }
        });
        SymmetricEigen eig = SymmetricEigen.of(g, cols);
        double[] s = new double[r];
        for (int j = 0; j < r; j++) s[j] = Math.sqrt(Math.max(0, eig.values()[j]));
        double top = r == 0 ? 0 : s[0];
        // left vectors as rows: ut[j] = A v_j / s_j
        double[] ut = new double[r * rows];
        double[] vt = eig.vectors();
        Parallel.range(r, grain(r), (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                if (!(s[j] > NULL_FRACTION * top)) continue;
                double inv = 1 / s[j];
                for (int i = 0; i < rows; i++) {
                    double acc = 0;
                    int x = i * cols, y = j * cols;
                    for (int k = 0; k < cols; k++) acc += a[x + k] * vt[y + k];
                    ut[j * rows + i] = acc * inv;
                }
            }
        });
        int nextBasis = 0;
        for (int j = 0; j < r; j++) {
            boolean reliable = s[j] > REORTHOGONALIZE_FRACTION * top;
            if (reliable) continue;
            boolean fromA = s[j] > NULL_FRACTION * top;
            while (true) {
                if (!fromA) {
                    // complete with the next standard basis vector not yet in the span
                    if (nextBasis >= rows) throw new ArithmeticException("Svd: cannot complete the left singular vectors");
                    java.util.Arrays.fill(ut, j * rows, (j + 1) * rows, 0);
                    ut[j * rows + nextBasis++] = 1;
                }
                // twice is enough (Kahan's "twice is enough" for Gram-Schmidt)
                for (int pass = 0; pass < 2; pass++) {
                    for (int o = 0; o < r; o++) {
                        if (o == j || (o > j && !(s[o] > REORTHOGONALIZE_FRACTION * top))) continue;
                        double dot = 0;
                        for (int i = 0; i < rows; i++) dot += ut[o * rows + i] * ut[j * rows + i];
                        for (int i = 0; i < rows; i++) ut[j * rows + i] -= dot * ut[o * rows + i];
                    }
                }
                double norm = 0;
                for (int i = 0; i < rows; i++) norm += ut[j * rows + i] * ut[j * rows + i];
                norm = Math.sqrt(norm);
                if (norm > 1e-3) {
                    for (int i = 0; i < rows; i++) ut[j * rows + i] /= norm;
                    break;
                }
                fromA = false;
            }
        }
        refineSmallValues(a, rows, cols, s, ut, vt, top);
        double[] u = transpose(ut, r, rows), v = transpose(vt, r, cols);
        return new Svd(u, s, v, rows, cols);
    }

    /**
     * For the singular values below {@link #REORTHOGONALIZE_FRACTION} of the largest, the square root of a Gram
     * eigenvalue is only good to about 1e-8 of the largest (the eigenvalue's rounding, square-rooted), and the
     * re-orthogonalized u_j no longer equals A v_j / s_j: s_j = u_j . A v_j, measured directly, is accurate to
     * about 1e-13 of the largest and makes U S V^T reproduce A to that accuracy. A negative value flips u_j;
     * the tail is then re-sorted (it stays below every reliable value, so the global order holds).
     */
    private static void refineSmallValues(double[] a, int rows, int cols, double[] s, double[] ut, double[] vt, double top) {
        int r = s.length, first = r;
        for (int j = 0; j < r; j++) {
            if (!(s[j] > REORTHOGONALIZE_FRACTION * top)) {
                first = j;
                break;
            }
        }
        if (first == r) return;
        double[] av = new double[rows];
        for (int j = first; j < r; j++) {
            for (int i = 0; i < rows; i++) {
                double acc = 0;
                for (int k = 0; k < cols; k++) acc += a[i * cols + k] * vt[j * cols + k];
                av[i] = acc;
            }
            double dot = 0;
            for (int i = 0; i < rows; i++) dot += ut[j * rows + i] * av[i];
            if (dot < 0) {
                for (int i = 0; i < rows; i++) ut[j * rows + i] = -ut[j * rows + i];
                dot = -dot;
            }
            s[j] = dot;
        }
        Integer[] order = new Integer[r - first];
        for (int j = 0; j < order.length; j++) order[j] = first + j;
        java.util.Arrays.sort(order, (x, y) -> s[x] != s[y] ? Double.compare(s[y], s[x]) : Integer.compare(x, y));
        double[] s2 = s.clone(), ut2 = ut.clone(), vt2 = vt.clone();
        for (int j = 0; j < order.length; j++) {
            int to = first + j, from = order[j];
            s[to] = s2[from];
            System.arraycopy(ut2, from * rows, ut, to * rows, rows);
            System.arraycopy(vt2, from * cols, vt, to * cols, cols);
        }
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    private static int grain(int n) {
        return Math.max(8, n / 16);
    }
}
