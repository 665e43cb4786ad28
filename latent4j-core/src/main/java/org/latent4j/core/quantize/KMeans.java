package org.latent4j.core.quantize;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * k-means for codebook initialisation: k-means++ seeding (Arthur and Vassilvitskii 2007: each next centre drawn with
 * probability proportional to the squared distance to the nearest centre so far) followed by Lloyd iterations
 * (assign each point to its nearest centre, move each centre to the mean of its points). A centre left without points
 * stays where it was, or, with {@link EmptyClusters#SPLIT_LARGEST}, takes half of the largest cluster. With {@code spherical} the points are taken as l2-normalised, assignment is by largest inner
 * product and every centre is renormalised (spherical k-means, for cosine codebooks).
 *
 * <p>Deterministic: the draws come from the generator given, the distances are summed in a fixed order, and the
 * assignment is {@link QuantOps#nearestCodes}'s, the same for any thread count.
 */
public final class KMeans {
    private KMeans() {}

    /** What a Lloyd iteration does with a centre that no point chose. */
    public enum EmptyClusters {
        /** It stays where it was (codebook initialisation, where dead codes have their own restarts). */
        KEEP,
        /**
         * It splits the largest cluster (the lowest index among equal sizes), as FAISS's k-means does: it becomes a
         * copy of that cluster's new centre, and the two move apart by a relative 1/1024 per coordinate, in opposite
         * directions (even coordinates of the copy up, odd ones down). The split cluster counts as half its size for
         * further empty centres of the same iteration, so several empty centres split several clusters.
         */
        SPLIT_LARGEST
    }

    /** Relative distance by which a split moves the two halves' centres apart, FAISS's 1/1024. */
    static final float SPLIT_EPS = 1f / 1024;

    /**
     * The centres [k, d] of the points [n, d] (n >= 1). When the points have fewer than k distinct values, the
     * remaining centres repeat points (drawn uniformly). Empty clusters are kept ({@link EmptyClusters#KEEP}).
     *
     * @param points the points
     * @param k the number of centres
     * @param iterations the Lloyd iterations
     * @param spherical whether to cluster the l2-normalised points by inner product
     * @param rng draws the seeding
     * @return the centres
     */
    public static Tensor fit(Tensor points, int k, int iterations, boolean spherical, Rng rng) {
        return fit(points, k, iterations, spherical, EmptyClusters.KEEP, rng);
    }

    /**
     * {@link #fit(Tensor, int, int, boolean, Rng)} with the given treatment of empty clusters.
     *
     * @param points the points
     * @param k the number of centres
     * @param iterations the Lloyd iterations
     * @param spherical whether to cluster the l2-normalised points by inner product
     * @param empty what to do with an empty cluster
     * @param rng draws the seeding
     * @return the centres
     */
    public static Tensor fit(Tensor points, int k, int iterations, boolean spherical, EmptyClusters empty, Rng rng) {
        if (points.rank() != 2 || points.dim(0) < 1) throw new IllegalArgumentException("KMeans: needs points [n, d] with n >= 1");
        if (k < 1) throw new IllegalArgumentException("KMeans: k must be >= 1, got " + k);
        Tensor x = spherical ? normalise(points) : points.contiguous();
        Tensor centres = seed(x, k, rng);
        for (int it = 0; it < iterations; it++) centres = lloyd(x, centres, spherical, empty);
        return centres;
    }

    /**
     * k-means++ seeding: k rows of x [n, d], the first uniform, each next with probability proportional to D(x)^2.
     *
     * @param points the points
     * @param k the number of centres
     * @param rng draws the choices
     * @return the seeds, [k, d]
     */
    public static Tensor seed(Tensor points, int k, Rng rng) {
        Tensor x = points.contiguous();
        int n = x.dim(0), d = x.dim(1);
        float[] xd = x.data();
        int xo = x.offset();
        float[] u = rng.uniform(0f, 1f, k).toArray();
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        float[] out = new float[k * d];
        int chosen = Math.min(n - 1, (int) (u[0] * n));
        for (int c = 0; c < k; c++) {
            if (c > 0) chosen = draw(nearest, u[c], n);
            System.arraycopy(xd, xo + chosen * d, out, c * d, d);
            final int centre = chosen;
            Parallel.range(n, Math.max(1, (1 << 15) / Math.max(1, d)), (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double s = 0;
                    int a = xo + i * d, b = xo + centre * d;
                    for (int j = 0; j < d; j++) {
                        double e = (double) xd[a + j] - xd[b + j];
                        s += e * e;
                    }
                    if (s < nearest[i]) nearest[i] = s;
                }
            });
        }
        return Tensor.of(out, k, d);
    }

    /**
     * Forgy seeding: k distinct rows of x [n, d] drawn uniformly, in the order drawn. Seeds follow the data's
     * density, where k-means++ spreads them towards outliers: product quantizers (FAISS's default too) find
     * nearer neighbours from it on small training samples (docs/compression.md).
     *
     * @param points the points, n &gt;= k
     * @param k the number of centres
     * @param rng draws the rows
     * @return the seeds, [k, d]
     */
    public static Tensor seedRandomRows(Tensor points, int k, Rng rng) {
        Tensor x = points.contiguous();
        int n = x.dim(0), d = x.dim(1);
        if (k < 1 || n < k) throw new IllegalArgumentException("KMeans: needs at least k = " + k + " >= 1 points, got " + n);
        int[] order = rng.permutation(n);
        float[] out = new float[k * d];
        for (int c = 0; c < k; c++) System.arraycopy(x.data(), x.offset() + order[c] * d, out, c * d, d);
        return Tensor.of(out, k, d);
    }

    /** The index drawn with probability proportional to weights (all zero: uniform by u). */
    private static int draw(double[] weights, float u, int n) {
        double total = 0;
        for (double w : weights) total += w;
        if (!(total > 0)) return Math.min(n - 1, (int) (u * n));
        double target = u * total, acc = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] <= 0) continue;
            acc += weights[i];
            last = i;
            if (acc > target) return i;
        }
        return last;
    }

    /**
     * One Lloyd iteration: the new centres [k, d]; a centre with no points is kept.
     *
     * @param points the points
     * @param centres the current centres
     * @param spherical whether to cluster by inner product
     * @return the new centres
     */
    public static Tensor lloyd(Tensor points, Tensor centres, boolean spherical) {
        return lloyd(points, centres, spherical, EmptyClusters.KEEP);
    }

    /**
     * One Lloyd iteration: the new centres [k, d], empty clusters treated as {@code empty} says.
     *
     * @param points the points
     * @param centres the current centres
     * @param spherical whether to cluster by inner product
     * @param empty what to do with an empty cluster
     * @return the new centres
     */
    public static Tensor lloyd(Tensor points, Tensor centres, boolean spherical, EmptyClusters empty) {
        int k = centres.dim(0), d = centres.dim(1);
        Tensor x = points.contiguous();
        int n = x.dim(0);
        int[] assign;
        if (spherical) {
            assign = QuantOps.maxInnerProductCodes(x, centres).indices();
        } else {
            // indices only: the distances nearestCodes would recompute in double are not needed here
            assign = new int[n];
            QuantOps.nearestCodesInto(x, centres, QuantOps.codeNorms(centres), assign, null);
        }
        // each cluster's sum in ascending point order (the order segmentSum adds in, so the same bits)
        float[] s = new float[k * d], xd = x.data(), old = centres.contiguous().toArray();
        int[] counts = new int[k];
        int xo = x.offset();
        for (int i = 0; i < n; i++) {
            int c = assign[i];
            if (counts[c]++ == 0) System.arraycopy(xd, xo + i * d, s, c * d, d);
            else for (int j = 0; j < d; j++) s[c * d + j] += xd[xo + i * d + j];
        }
        float[] out = new float[k * d];
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                System.arraycopy(old, c * d, out, c * d, d);
                continue;
            }
            for (int j = 0; j < d; j++) out[c * d + j] = s[c * d + j] / counts[c];
        }
        if (empty == EmptyClusters.SPLIT_LARGEST) splitEmpty(out, counts, k, d);
        Tensor t = Tensor.of(out, k, d);
        return spherical ? normalise(t) : t;
    }

    /**
     * Gives each centre whose count is 0 half of the largest cluster (see {@link EmptyClusters#SPLIT_LARGEST}),
     * updating {@code centres} [k, d] and {@code counts} in place; returns how many centres were split off.
     *
     * @param centres the centres, updated in place
     * @param counts the points per centre, updated in place
     * @param k the number of centres
     * @param d their width
     * @return the number of centres split
     */
    public static int splitEmpty(float[] centres, int[] counts, int k, int d) {
        int split = 0;
        for (int c = 0; c < k; c++) {
            if (counts[c] != 0) continue;
            int big = 0;
            for (int o = 1; o < k; o++) if (counts[o] > counts[big]) big = o;
            if (counts[big] < 2) break; // nothing left to split: fewer distinct assignments than centres
            for (int j = 0; j < d; j++) {
                float v = centres[big * d + j];
                float up = v * (1 + SPLIT_EPS), down = v * (1 - SPLIT_EPS);
                centres[c * d + j] = (j & 1) == 0 ? up : down;
                centres[big * d + j] = (j & 1) == 0 ? down : up;
            }
            counts[c] = counts[big] / 2;
            counts[big] -= counts[c];
            split++;
        }
        return split;
    }

    /**
     * Each point's centre: nearest in L2, or of largest inner product when spherical.
     *
     * @param points the points
     * @param centres the centres
     * @param spherical whether to assign by inner product
     * @return the centre of each point
     */
    public static int[] assign(Tensor points, Tensor centres, boolean spherical) {
        return spherical ? QuantOps.maxInnerProductCodes(points, centres).indices() : QuantOps.nearestCodes(points, centres).indices();
    }

    /**
     * Mean squared distance (summed over features) of each point to its centre.
     *
     * @param points the points
     * @param centres the centres
     * @return the error
     */
    public static double error(Tensor points, Tensor centres) {
        float[] dist = QuantOps.nearestCodes(points, centres).distances();
        double s = 0;
        for (float v : dist) s += v;
        return s / dist.length;
    }

    /** Rows scaled to unit l2 norm (a zero row stays zero), not differentiable. */
    static Tensor normalise(Tensor x) {
        Tensor c = x.contiguous();
        int n = c.dim(0), d = c.dim(1);
        float[] v = c.toArray();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) v[i * d + j] * v[i * d + j];
            if (s > 0) {
                float inv = (float) (1 / Math.sqrt(s));
                for (int j = 0; j < d; j++) v[i * d + j] *= inv;
            }
        }
        return Tensor.of(v, n, d);
    }
}
