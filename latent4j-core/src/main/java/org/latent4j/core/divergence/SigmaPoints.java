package org.latent4j.core.divergence;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The sigma points of the unscented transform (Julier and Uhlmann) for a diagonal Gaussian N(mu, diag(sigma^2)) over
 * d dimensions: chi_0 = mu and chi_{+-j} = mu +- sqrt(d + lambda) sigma_j e_j, j = 1..d, 2d + 1 points laid out as
 * [mean, the d "+" points, the d "-" points]. With the weights W_0 = lambda / (d + lambda) and W_j = 1 / (2 (d + lambda))
 * they reproduce the Gaussian's mean and covariance exactly. The unscented autoencoder (Janjos et al. 2023) decodes
 * them in place of random samples; its code uses lambda = 1e-3 ({@link #PAPER_LAMBDA}).
 */
public final class SigmaPoints {
    private SigmaPoints() {}

    /** The unscented autoencoder code's lambda. */
    public static final double PAPER_LAMBDA = 1e-3;

    /**
     * {@return the number of sigma points, 2d + 1}
     *
     * @param d the dimensions
     */
    public static int count(int d) {
        return 2 * d + 1;
    }

    /**
     * {@return the weights W_0..W_2d of the points, summing to 1}
     *
     * @param d the dimensions
     * @param lambda the spread parameter (> -d)
     */
    public static double[] weights(int d, double lambda) {
        checkLambda(d, lambda);
        double[] w = new double[count(d)];
        w[0] = lambda / (d + lambda);
        for (int i = 1; i < w.length; i++) w[i] = 1.0 / (2 * (d + lambda));
        return w;
    }

    /**
     * Every sigma point of each row's Gaussian, differentiable in the mean and log-variance.
     *
     * @param q the Gaussians, [b, d]
     * @param lambda the spread parameter
     * @return the points, [2d + 1, b, d]
     */
    public static Tensor all(DiagonalGaussian q, double lambda) {
        int b = rows(q), d = q.mean().dim(1);
        int[] choice = new int[count(d) * b];
        for (int p = 0; p < count(d); p++) java.util.Arrays.fill(choice, p * b, (p + 1) * b, p);
        return select(q, choice, count(d), lambda);
    }

    /**
     * Chosen sigma points: z[s, r] = the point choice[s * b + r] of row r's Gaussian (0 the mean, 1..d the "+" points,
     * d + 1..2d the "-" points), as mu + sqrt(d + lambda) sigma * e with e a constant signed unit vector (or zero):
     * differentiable in the mean and log-variance.
     *
     * @param q the Gaussians, [b, d]
     * @param choice the point of each (sample, row), [k * b] sample-major
     * @param k points per row
     * @param lambda the spread parameter
     * @return the points, [k, b, d]
     */
    public static Tensor select(DiagonalGaussian q, int[] choice, int k, double lambda) {
        int b = rows(q), d = q.mean().dim(1);
        checkLambda(d, lambda);
        if (choice.length != k * b) throw new IllegalArgumentException("SigmaPoints.select: " + choice.length + " choices for " + k + " x " + b + " points");
        float[] e = new float[k * b * d];
        for (int i = 0; i < choice.length; i++) {
            int c = choice[i];
            if (c < 0 || c > 2 * d) throw new IllegalArgumentException("SigmaPoints.select: point " + c + " is outside 0.." + 2 * d);
            if (c > 0) e[i * d + (c - 1) % d] = c <= d ? 1f : -1f;
        }
        Tensor std = q.logVar().mul(0.5f).exp().mul((float) Math.sqrt(d + lambda));
        return q.mean().add(std.mul(Tensor.of(e, k, b, d)));
    }

    /**
     * {@return k points per row drawn uniformly from the 2d + 1, independently (with replacement), [k * b] sample-major}
     *
     * @param rng draws them
     * @param k points per row
     * @param b rows
     * @param d dimensions
     */
    public static int[] randomChoice(Rng rng, int k, int b, int d) {
        float[] u = rng.uniform(0f, 1f, k * b).toArray();
        int[] c = new int[k * b];
        int n = count(d);
        for (int i = 0; i < c.length; i++) c[i] = Math.min(n - 1, (int) (u[i] * n));
        return c;
    }

    private static int rows(DiagonalGaussian q) {
        if (q.mean().rank() != 2) throw new ShapeException("SigmaPoints: the Gaussians must be [b, d], got " + Shape.str(q.mean().shape()));
        return q.mean().dim(0);
    }

    private static void checkLambda(int d, double lambda) {
        if (!(d + lambda > 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("SigmaPoints: lambda must exceed -d = " + -d + ", got " + lambda);
    }
}
