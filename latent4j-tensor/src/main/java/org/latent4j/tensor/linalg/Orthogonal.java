package org.latent4j.tensor.linalg;

import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/** Orthogonal matrices, in double precision, row-major. */
public final class Orthogonal {
    private Orthogonal() {}

    /**
     * A random n x n orthogonal matrix, uniform (Haar) over the orthogonal group: Gram-Schmidt on the rows of a
     * matrix of standard normals, which is the Q of its QR factorisation with R's diagonal positive (Mezzadri
     * 2007). A function of the generator's state only: the rows are orthogonalised one after the other, and the
     * projections of one row are spread over threads in chunks fixed by n, reduced in chunk order.
     *
     * @param n the matrix's size
     * @param rng the random numbers
     * @return the matrix, row-major
     */
    public static double[] random(int n, Rng rng) {
        if (n < 0) throw new IllegalArgumentException("Orthogonal.random: n must not be negative, got " + n);
        float[] g = rng.normal(0f, 1f, n, n).toArray();
        double[] q = new double[n * n];
        for (int i = 0; i < q.length; i++) q[i] = g[i];
        double[] dots = new double[n];
        int grain = Math.max(32, n / 8);
        for (int i = 0; i < n; i++) {
            final int row = i;
            // classical Gram-Schmidt applied twice ("twice is enough"): as accurate as the modified one, and its
            // projections onto all earlier rows are independent, so they can be computed in parallel
            for (int pass = 0; pass < 2; pass++) {
                Parallel.range(row, grain, (lo, hi) -> {
                    for (int o = lo; o < hi; o++) {
                        double dot = 0;
                        for (int k = 0; k < n; k++) dot += q[o * n + k] * q[row * n + k];
                        dots[o] = dot;
                    }
                });
                for (int o = 0; o < row; o++) {
                    double dot = dots[o];
                    for (int k = 0; k < n; k++) q[row * n + k] -= dot * q[o * n + k];
                }
            }
            double norm = 0;
            for (int k = 0; k < n; k++) norm += q[row * n + k] * q[row * n + k];
            norm = Math.sqrt(norm);
            if (!(norm > 1e-6)) {
                // a Gaussian row in the span of the others has probability zero; draw it again
                float[] again = rng.normal(0f, 1f, n).toArray();
                for (int k = 0; k < n; k++) q[row * n + k] = again[k];
                i--;
                continue;
            }
            for (int k = 0; k < n; k++) q[row * n + k] /= norm;
        }
        return q;
    }

    /**
     * The largest |(Q Q^T)_ij - delta_ij| of an n x n matrix: how far it is from orthogonal.
     *
     * @param q the matrix, row-major
     * @param n its size
     * @return the deviation
     */
    public static double deviation(double[] q, int n) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) dot += q[i * n + k] * q[j * n + k];
                worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }
}
