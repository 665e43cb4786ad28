package org.latent4j.core.divergence;

import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * The variance and covariance terms of VICReg (Bardes, Ponce and LeCun 2022) on a batch of codes z [n, d], which keep
 * each code dimension spread out and the dimensions decorrelated: against collapsed and redundant codes.
 * <pre>
 *   variance(z)   = (1/d) sum_j max(0, gamma - sqrt(Var(z_j) + eps))        gamma = 1, eps = 1e-4 (the paper's)
 *   covariance(z) = (1/d) sum_{i != j} C(z)_ij^2,   C(z) = (z - mean)^T (z - mean) / (n - 1)
 * </pre>
 * Var is the unbiased batch variance (the paper's code uses torch's default).
 */
public final class VicRegTerms {
    private VicRegTerms() {}

    /** The paper's target standard deviation gamma. */
    public static final double GAMMA = 1.0;
    /** The paper's epsilon under the square root. */
    public static final double EPS = 1e-4;

    /**
     * {@return the hinge on each dimension's standard deviation, averaged over the dimensions}
     *
     * @param z the codes, [n, d], n >= 2
     * @param gamma the target standard deviation
     * @param eps the small number under the square root
     */
    public static Tensor variance(Tensor z, double gamma, double eps) {
        Tensor var = centred(z).square().sum(0, false).mul(1f / (z.dim(0) - 1));
        return var.add((float) eps).sqrt().neg().add((float) gamma).relu().mean();
    }

    /**
     * {@return the sum of the squared off-diagonal entries of the batch covariance, over d}
     *
     * @param z the codes, [n, d], n >= 2
     */
    public static Tensor covariance(Tensor z) {
        Tensor c = centred(z);
        int d = z.dim(1);
        Tensor cov = c.t().matmul(c).mul(1f / (z.dim(0) - 1));
        // a constant mask rather than "all less the diagonal": that difference cancels badly when the variances are large
        float[] off = new float[d * d];
        java.util.Arrays.fill(off, 1f);
        for (int j = 0; j < d; j++) off[j * d + j] = 0f;
        return cov.mul(Tensor.of(off, d, d)).square().sum().mul(1f / d);
    }

    private static Tensor centred(Tensor z) {
        if (z.rank() != 2 || z.dim(0) < 2) throw new ShapeException("VicRegTerms: codes must be [n >= 2, d], got " + Shape.str(z.shape()));
        return z.sub(z.mean(0, true));
    }
}
