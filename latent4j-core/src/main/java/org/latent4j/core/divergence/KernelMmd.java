package org.latent4j.core.divergence;

import java.util.List;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LinearAlgebra;

/**
 * The squared maximum mean discrepancy between two samples, MMD^2(P, Q) = E k(x, x') + E k(y, y') - 2 E k(x, y), as
 * the unbiased U-statistic of Gretton et al. (2012): for x_1..x_n ~ P and y_1..y_m ~ Q,
 * <pre>
 *   sum_{i != j} k(x_i, x_j) / (n (n - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1)) - 2 sum_{i, j} k(x_i, y_j) / (n m)
 * </pre>
 * whose expectation is MMD^2 exactly (so it is 0 in expectation, and can be negative, for two samples of one
 * distribution). The kernel is summed over scales C = base * s, s in {@link #scales()}: Tolstikhin et al. (2018)
 * sum the inverse multiquadratic kernel over s in {0.1, 0.2, 0.5, 1, 2, 5, 10} with base 2 d sigma_z^2 (d latent
 * dimensions, prior N(0, sigma_z^2 I)), so that no single bandwidth has to suit every stage of training.
 *
 * @param kernel the kernel
 * @param base   the base scale C_0 (> 0)
 * @param scales the multiples of the base summed over (each > 0, at least one)
 */
public record KernelMmd(MmdKernel kernel, double base, List<Double> scales) {
    /** The scales of the WAE paper's code: 0.1, 0.2, 0.5, 1, 2, 5, 10. */
    public static final List<Double> WAE_SCALES = List.of(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0);

    /** Checks the kernel, the base and the scales. */
    public KernelMmd {
        if (kernel == null) throw new IllegalArgumentException("KernelMmd: a kernel is required");
        if (!(base > 0 && Double.isFinite(base))) throw new IllegalArgumentException("KernelMmd: the base scale must be positive, got " + base);
        if (scales == null || scales.isEmpty()) throw new IllegalArgumentException("KernelMmd: at least one scale is required");
        for (Double s : scales) {
            if (s == null || !(s > 0 && Double.isFinite(s))) throw new IllegalArgumentException("KernelMmd: scales must be positive, got " + scales);
        }
        scales = List.copyOf(scales);
    }

    /**
     * The WAE paper's discrepancy for a prior N(0, I) over {@code latentDim} dimensions: base 2 d, the scales
     * {@link #WAE_SCALES}.
     *
     * @param kernel the kernel
     * @param latentDim d
     * @return the discrepancy
     */
    public static KernelMmd forStandardNormal(MmdKernel kernel, int latentDim) {
        return new KernelMmd(kernel, 2.0 * latentDim, WAE_SCALES);
    }

    /**
     * The unbiased estimate of MMD^2 between the rows of x [n, d] and of y [m, d], differentiable in both.
     *
     * @param x a sample of P, n >= 2 rows
     * @param y a sample of Q, m >= 2 rows
     * @return the scalar estimate
     */
    public Tensor between(Tensor x, Tensor y) {
        if (x.rank() != 2 || y.rank() != 2 || x.dim(1) != y.dim(1)) {
            throw new ShapeException("KernelMmd: samples must be [n, d] and [m, d], got " + org.latent4j.tensor.Shape.str(x.shape()) + " and "
                    + org.latent4j.tensor.Shape.str(y.shape()));
        }
        int n = x.dim(0), m = y.dim(0);
        if (n < 2 || m < 2) throw new IllegalArgumentException("KernelMmd: the U-statistic needs at least 2 rows in each sample, got " + n + " and " + m);
        Tensor dxx = LinearAlgebra.squaredDistances(x, x), dyy = LinearAlgebra.squaredDistances(y, y), dxy = LinearAlgebra.squaredDistances(x, y);
        Tensor total = null;
        for (double s : scales) {
            double c = base * s;
            // both kernels are 1 at distance 0 (the diagonal of the within-sample matrices, computed exactly 0), so the
            // sum over i != j is the whole sum less n
            Tensor within = kernel.of(dxx, c).sum().sub(n).mul(1f / ((float) n * (n - 1)))
                    .add(kernel.of(dyy, c).sum().sub(m).mul(1f / ((float) m * (m - 1))));
            Tensor term = within.sub(kernel.of(dxy, c).sum().mul(2f / ((float) n * m)));
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
