package org.latent4j.tensor.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@link SymmetricEigen} and {@link Svd} against decompositions known in advance (matrices built as Q diag Q^T
 * from a random orthogonal Q, with distinct, repeated and zero eigenvalues; diagonal and 2 x 2 cases worked by
 * hand) and against their defining properties (A v = lambda v, orthonormal factors, reconstruction), and the
 * orthogonal Procrustes solution recovering a rotation.
 */
class DecompositionTest {
    /** A random orthogonal n x n matrix (rows orthonormal), by Gram-Schmidt on Gaussian rows. */
    static double[] randomOrthogonal(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            while (true) {
                for (int k = 0; k < n; k++) q[i * n + k] = r.nextGaussian();
                for (int pass = 0; pass < 2; pass++) {
                    for (int o = 0; o < i; o++) {
                        double dot = 0;
                        for (int k = 0; k < n; k++) dot += q[o * n + k] * q[i * n + k];
                        for (int k = 0; k < n; k++) q[i * n + k] -= dot * q[o * n + k];
                    }
                }
                double norm = 0;
                for (int k = 0; k < n; k++) norm += q[i * n + k] * q[i * n + k];
                norm = Math.sqrt(norm);
                if (norm < 1e-6) continue;
                for (int k = 0; k < n; k++) q[i * n + k] /= norm;
                break;
            }
        }
        return q;
    }

    /** sum_j lambda_j q_j q_j^T for the rows q_j of q. */
    static double[] compose(double[] q, double[] lambda, int n) {
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) a[i * n + k] += lambda[j] * q[j * n + i] * q[j * n + k];
        }
        return a;
    }

    static void assertOrthonormalRows(double[] v, int rows, int cols, double tol, String what) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = 0;
                for (int k = 0; k < cols; k++) dot += v[i * cols + k] * v[j * cols + k];
                assertEquals(i == j ? 1 : 0, dot, tol, what + ": rows " + i + ", " + j);
            }
        }
    }

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    /** The eigen-equation, orthonormality and ordering for any symmetric input. */
    static void checkEigen(double[] a, int n, SymmetricEigen e, double tol) {
        double scale = 0;
        for (double x : a) scale = Math.max(scale, Math.abs(x));
        scale = Math.max(scale, 1e-300);
        for (int j = 0; j < n; j++) {
            if (j > 0) assertTrue(e.values()[j - 1] >= e.values()[j], "descending");
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) av += a[i * n + k] * e.vector(j, k);
                assertEquals(e.values()[j] * e.vector(j, i), av, tol * scale * n, "A v = lambda v for eigenvalue " + j + " component " + i);
            }
        }
        assertOrthonormalRows(e.vectors(), n, n, 1e-11, "eigenvectors");
    }

    @Test
    void recoversKnownEigenvaluesDistinctRepeatedAndZero() {
        int n = 40;
        double[] q = randomOrthogonal(n, 1);
        double[] lambda = new double[n];
        for (int j = 0; j < n; j++) lambda[j] = j < 10 ? 100 - j : j < 25 ? 3.5 : j < 30 ? 0 : -2.0 * (j - 29);
        double[] a = compose(q, lambda, n);
        SymmetricEigen e = SymmetricEigen.of(a, n);
        double[] sorted = lambda.clone();
        java.util.Arrays.sort(sorted);
        for (int j = 0; j < n; j++) assertEquals(sorted[n - 1 - j], e.values()[j], 1e-11, "eigenvalue " + j);
        checkEigen(a, n, e, 1e-13);
        // the distinct ones come back as the known vectors (up to sign, which is fixed by the largest component)
        for (int j = 0; j < 10; j++) {
            double dot = 0;
            for (int k = 0; k < n; k++) dot += q[j * n + k] * e.vector(j, k);
            assertEquals(1, Math.abs(dot), 1e-10, "vector of eigenvalue " + lambda[j]);
        }
    }

    @Test
    void smallCasesByHand() {
        // diagonal: the values sorted, the vectors the standard basis
        SymmetricEigen d = SymmetricEigen.of(new double[] {1, 0, 0, 0, 3, 0, 0, 0, 2}, 3);
        assertArrayEquals(new double[] {3, 2, 1}, d.values(), 0);
        assertEquals(1, d.vector(0, 1), 0);
        assertEquals(1, d.vector(1, 2), 0);
        assertEquals(1, d.vector(2, 0), 0);
        // [[2, 1], [1, 2]]: 3 with (1, 1)/sqrt 2, 1 with (1, -1)/sqrt 2 (sign: largest component positive, first among equals)
        SymmetricEigen t = SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2);
        assertArrayEquals(new double[] {3, 1}, t.values(), 1e-15);
        double h = Math.sqrt(0.5);
        assertArrayEquals(new double[] {h, h, h, -h}, t.vectors(), 1e-15);
        // 1 x 1 and 0 x 0
        assertArrayEquals(new double[] {-4}, SymmetricEigen.of(new double[] {-4}, 1).values(), 0);
        assertEquals(0, SymmetricEigen.of(new double[0], 0).values().length);
        // only the lower triangle is read
        SymmetricEigen lower = SymmetricEigen.of(new double[] {2, 99, 1, 2}, 2);
        assertArrayEquals(new double[] {3, 1}, lower.values(), 1e-15);
    }

    @Test
    void randomSymmetricMatricesSatisfyTheEigenEquationAndTheThreadCountChangesNothing() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {2, 3, 5, 17, 64, 130}) {
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r.nextGaussian();
            SymmetricEigen one;
            int saved = Parallel.threads();
            try {
                Parallel.setThreads(1);
                one = SymmetricEigen.of(a, n);
                Parallel.setThreads(3);
                SymmetricEigen three = SymmetricEigen.of(a, n);
                assertArrayEquals(one.values(), three.values(), 0, "n=" + n);
                assertArrayEquals(one.vectors(), three.vectors(), 0, "n=" + n);
            } finally {
                Parallel.setThreads(saved);
            }
            checkEigen(a, n, one, 1e-13);
        }
    }

    @Test
    void badInputIsRefusedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[] {1, 0, Double.NaN, 1}, 2));
        assertTrue(e.getMessage().contains("(1, 0) is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[3], 2));
        assertTrue(e.getMessage().contains("n x n"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Svd.of(new double[] {1, Double.POSITIVE_INFINITY}, 1, 2));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }

    static void checkSvd(double[] a, int rows, int cols, Svd svd, double tol) {
        int r = Math.min(rows, cols);
        assertEquals(r, svd.rank());
        assertOrthonormalRows(transpose(svd.u(), rows, r), r, rows, 1e-10, "U columns");
        assertOrthonormalRows(transpose(svd.v(), cols, r), r, cols, 1e-10, "V columns");
        for (int j = 1; j < r; j++) assertTrue(svd.s()[j - 1] >= svd.s()[j] && svd.s()[j] >= 0, "descending, non-negative");
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                double acc = 0;
                for (int j = 0; j < r; j++) acc += svd.u()[i * r + j] * svd.s()[j] * svd.v()[k * r + j];
                assertEquals(a[i * cols + k], acc, tol, "reconstruction (" + i + ", " + k + ")");
            }
        }
    }

    @Test
    void svdOfKnownFactorsTallWideAndRankDeficient() {
        // A = U0 diag(s0) V0^T with known orthogonal factors: 7 x 5, singular values 9, 4, 4, 1, 0
        double[] u0 = randomOrthogonal(7, 3), v0 = randomOrthogonal(5, 4);
        double[] s0 = {9, 4, 4, 1, 0};
        double[] a = new double[7 * 5];
        for (int j = 0; j < 5; j++) for (int i = 0; i < 7; i++) for (int k = 0; k < 5; k++) a[i * 5 + k] += s0[j] * u0[j * 7 + i] * v0[j * 5 + k];
        Svd tall = Svd.of(a, 7, 5);
        for (int j = 0; j < 5; j++) assertEquals(s0[j], tall.s()[j], 1e-7, "singular value " + j);
        checkSvd(a, 7, 5, tall, 1e-12);
        // the transpose: the same values, the factors swapped
        Svd wide = Svd.of(transpose(a, 7, 5), 5, 7);
        assertArrayEquals(tall.s(), wide.s(), 1e-12);
        checkSvd(transpose(a, 7, 5), 5, 7, wide, 1e-12);
        // all zeros: orthonormal factors all the same
        checkSvd(new double[12], 4, 3, Svd.of(new double[12], 4, 3), 0);
        // random rectangular
        SplittableRandom r = new SplittableRandom(11);
        double[] g = new double[60 * 23];
        for (int i = 0; i < g.length; i++) g[i] = r.nextGaussian();
        checkSvd(g, 60, 23, Svd.of(g, 60, 23), 1e-11);
        checkSvd(transpose(g, 60, 23), 23, 60, Svd.of(transpose(g, 60, 23), 23, 60), 1e-11);
    }

    @Test
    void svdOfRankOneMatrixHasOneSingularValueAndStillOrthonormalFactors() {
        // A = 3 a b^T with unit a (50), b (40): s = (3, 0, ..., 0); 39 left vectors must be completed
        SplittableRandom r = new SplittableRandom(13);
        int rows = 50, cols = 40;
        double[] a = new double[rows], b = new double[cols];
        for (int i = 0; i < rows; i++) a[i] = r.nextGaussian();
        for (int i = 0; i < cols; i++) b[i] = r.nextGaussian();
        double na = 0, nb = 0;
        for (double x : a) na += x * x;
        for (double x : b) nb += x * x;
        double[] m = new double[rows * cols];
        for (int i = 0; i < rows; i++) for (int k = 0; k < cols; k++) m[i * cols + k] = 3 * a[i] * b[k] / Math.sqrt(na * nb);
        Svd svd = Svd.of(m, rows, cols);
        assertEquals(3, svd.s()[0], 1e-12);
        for (int j = 1; j < cols; j++) assertEquals(0, svd.s()[j], 1e-7, "singular value " + j);
        checkSvd(m, rows, cols, svd, 1e-12);
        checkSvd(transpose(m, rows, cols), cols, rows, Svd.of(transpose(m, rows, cols), cols, rows), 1e-12);
    }

    @Test
    void randomOrthogonalMatricesAreOrthogonalAndAFunctionOfTheGenerator() {
        for (int n : new int[] {1, 2, 7, 100}) {
            double[] q = Orthogonal.random(n, new org.latent4j.tensor.random.Rng(n));
            assertTrue(Orthogonal.deviation(q, n) < 1e-12, "n=" + n + ": " + Orthogonal.deviation(q, n));
            int saved = Parallel.threads();
            try {
                Parallel.setThreads(1);
                assertArrayEquals(q, Orthogonal.random(n, new org.latent4j.tensor.random.Rng(n)), 0);
            } finally {
                Parallel.setThreads(saved);
            }
        }
        assertFalse(java.util.Arrays.equals(Orthogonal.random(5, new org.latent4j.tensor.random.Rng(1)), Orthogonal.random(5, new org.latent4j.tensor.random.Rng(2))));
        // deviation measures what it says: a scaled identity is 0.21 off
        double[] scaled = {1.1, 0, 0, 1.1};
        assertEquals(0.21, Orthogonal.deviation(scaled, 2), 1e-12);
    }

    @Test
    void procrustesRecoversARotationAndStaysOrthogonalForSingularInput() {
        int n = 30, rows = 200;
        SplittableRandom r = new SplittableRandom(5);
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        double[] r0 = randomOrthogonal(n, 9);
        // Y = X R0, M = X^T Y
        double[] y = new double[rows * n];
        for (int i = 0; i < rows; i++) for (int k = 0; k < n; k++) {
            double acc = 0;
            for (int j = 0; j < n; j++) acc += x[i * n + j] * r0[j * n + k];
            y[i * n + k] = acc;
        }
        double[] m = new double[n * n];
        for (int i = 0; i < rows; i++) for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) m[a * n + b] += x[i * n + a] * y[i * n + b];
        double[] got = Svd.orthogonalProcrustes(m, n);
        assertArrayEquals(r0, got, 1e-10);
        // a singular M (X with 10 zero columns): R is still orthogonal and still maps the used directions
        for (int i = 0; i < rows; i++) for (int j = 20; j < n; j++) x[i * n + j] = 0;
        java.util.Arrays.fill(m, 0);
        for (int i = 0; i < rows; i++) for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) m[a * n + b] += x[i * n + a] * y[i * n + b];
        double[] singular = Svd.orthogonalProcrustes(m, n);
        assertOrthonormalRows(singular, n, n, 1e-10, "R of a singular M");
    }
}
