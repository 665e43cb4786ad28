package org.latent4j.core.divergence;

import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.random.Rng;

/**
 * The sliced Wasserstein distance of Kolouri, Pope, Martin and Rohde (2019), p = 2: the mean over random unit
 * directions theta_l of the squared 2-Wasserstein distance between the 1-D projections of two samples. In 1-D the
 * optimal coupling of two equal-size samples pairs them in sorted order, so
 * <pre>
 *   SW_2^2(x, y) = (1 / L) sum_l (1 / n) sum_i (sort(x theta_l)_i - sort(y theta_l)_i)^2
 * </pre>
 * The sorting permutation is piecewise constant in the samples: the gradient flows through the sorted values, as in
 * the authors' code.
 */
public final class SlicedWasserstein {
    private SlicedWasserstein() {}

    /**
     * {@return {@code count} directions drawn uniformly on the unit sphere of R^dim (normalised Gaussians), [count, dim]}
     *
     * @param rng draws them
     * @param count L
     * @param dim d
     */
    public static Tensor directions(Rng rng, int count, int dim) {
        if (count < 1 || dim < 1) throw new IllegalArgumentException("SlicedWasserstein.directions: count and dim must be >= 1, got " + count + ", " + dim);
        float[] v = rng.normal(0f, 1f, count, dim).toArray();
        for (int l = 0; l < count; l++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) norm += (double) v[l * dim + j] * v[l * dim + j];
            norm = Math.sqrt(norm);
            // a zero draw has probability zero; e_1 stands in for it
            for (int j = 0; j < dim; j++) v[l * dim + j] = norm > 0 ? (float) (v[l * dim + j] / norm) : (j == 0 ? 1f : 0f);
        }
        return Tensor.of(v, count, dim);
    }

    /**
     * SW_2^2 between the rows of x and of y along the given directions, differentiable in x and y.
     *
     * @param x a sample, [n, d]
     * @param y another sample of the same size, [n, d]
     * @param directions unit directions, [L, d]
     * @return the scalar distance
     */
    public static Tensor squared(Tensor x, Tensor y, Tensor directions) {
        if (x.rank() != 2 || y.rank() != 2 || directions.rank() != 2 || x.dim(1) != y.dim(1) || x.dim(1) != directions.dim(1) || x.dim(0) != y.dim(0)) {
            throw new ShapeException("SlicedWasserstein: needs x [n, d], y [n, d] and directions [L, d], got " + Shape.str(x.shape()) + ", "
                    + Shape.str(y.shape()) + " and " + Shape.str(directions.shape()));
        }
        Tensor dt = directions.t();
        return sortColumns(x.matmul(dt)).sub(sortColumns(y.matmul(dt))).square().mean();
    }

    /** Each column of p [n, L] in ascending order, through a gather so that the gradient reaches the unsorted values. */
    static Tensor sortColumns(Tensor p) {
        int n = p.dim(0), l = p.dim(1);
        float[] v = p.contiguous().toArray();
        int[] index = new int[n * l];
        Integer[] order = new Integer[n];
        for (int c = 0; c < l; c++) {
            final int col = c;
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Float.compare(v[a * l + col], v[b * l + col]));
            for (int i = 0; i < n; i++) index[i * l + c] = order[i];
        }
        return IndexOps.gather(p, 0, index, new int[] {n, l});
    }
}
