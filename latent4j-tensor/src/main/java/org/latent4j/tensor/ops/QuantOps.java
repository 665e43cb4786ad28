package org.latent4j.tensor.ops;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The ops of discrete (vector-quantized) bottlenecks: nearest-code assignment, rounding with a
 * straight-through gradient (finite scalar quantization), and segment sums and counts (EMA codebook
 * updates, code usage). Code assignments are plain {@code int[]}, as everywhere in the engine.
 */
public final class QuantOps {
    private QuantOps() {}

    /**
     * Each row's nearest code and its squared Euclidean distance to it.
     *
     * @param indices the nearest code of each row
     * @param distances each row's squared distance to that code
     */
    public record NearestCodes(int[] indices, float[] distances) {}

    /**
     * Each row's code of largest inner product, and that inner product.
     *
     * @param indices the code of largest inner product for each row
     * @param products that inner product
     */
    public record BestInnerProducts(int[] indices, float[] products) {}

    /**
     * The nearest code of each row of {@code x} [n, d] among the rows of {@code codebook} [K, d], in squared
     * Euclidean distance. See {@link #nearestCodesInto} for the guarantees. Computes the code norms first
     * (K d multiply-adds); pass them with {@link #nearestCodes(Tensor, Tensor, Tensor)} when the codebook
     * does not change between calls.
     *
     * @param x the rows, [n, d]
     * @param codebook the codes, [K, d]
     * @return each row's nearest code and its squared distance
     */
    public static NearestCodes nearestCodes(Tensor x, Tensor codebook) {
        return nearestCodes(x, codebook, codeNorms(codebook));
    }

    /**
     * {@link #nearestCodes(Tensor, Tensor)} with the codebook's {@link #codeNorms} given.
     *
     * @param x the rows, [n, d]
     * @param codebook the codes, [K, d]
     * @param codeNorms the squared norm of each code, [K]
     * @return each row's nearest code and its squared distance
     */
    public static NearestCodes nearestCodes(Tensor x, Tensor codebook, Tensor codeNorms) {
        int n = checkPair("nearestCodes", x, codebook);
        int[] indices = new int[n];
        float[] distances = new float[n];
        nearestCodesInto(x, codebook, codeNorms, indices, distances);
        return new NearestCodes(indices, distances);
    }

    /**
     * Writes into {@code indices[0, n)} the nearest code of each row of {@code x} [n, d] among the K rows of
     * {@code codebook} [K, d], and into {@code distances[0, n)} (when not null) its squared distance.
     *
     * <ul>
     * <li>Fused: the codes are ranked by ||c||^2 - 2 x.c (||x||^2 is the same for every code of a row),
     *     computed tile by tile in registers with the running minimum of each row beside them; no n x K
     *     matrix of distances or products is ever written (see {@link org.latent4j.tensor.kernel.CodeSearch}).</li>
     * <li>Ties: among codes whose computed ranking values are exactly equal the lowest index wins. The
     *     ranking values are float, so two codes closer than float rounding (about 1e-7 of ||x||^2 + ||c||^2)
     *     may come out in either order; the chosen code's distance is then the true minimum up to that.</li>
     * <li>The distance reported is recomputed for the chosen code as the sum of (x - c)^2, accumulated in
     *     double and rounded once, not taken from the expanded form, which cancels for points near each
     *     other far from the origin.</li>
     * <li>Deterministic: the same indices and distances for any thread count and for the scalar and the
     *     Vector-API kernels (which compute every ranking value with the same float operations).</li>
     * <li>A row holding NaN (or whose every ranking value overflows) gets code 0, and its distance shows the NaN.</li>
     * <li>No steady-state allocation: the kernel's buffers are kept per thread; {@code codeNorms} is
     *     read, not copied. x and the codebook are read in place when their rows are contiguous.</li>
     * </ul>
     *
     * @param x the rows, [n, d]
     * @param codebook the codes, [K, d]
     * @param codeNorms the squared norm of each code, [K], as {@link #codeNorms} computes it; any other
     *                  values rank the codes by {@code codeNorms[j] - 2 x.c_j}
     * @param indices receives each row's nearest code, at least n long
     * @param distances receives each row's squared distance to it, at least n long, or null
     */
    public static void nearestCodesInto(Tensor x, Tensor codebook, Tensor codeNorms, int[] indices, float[] distances) {
        int n = checkPair("nearestCodes", x, codebook);
        int k = codebook.dim(0), d = codebook.dim(1);
        if (codeNorms.rank() != 1 || codeNorms.dim(0) != k) {
            throw new ShapeException("nearestCodes: code norms of shape " + Shape.str(codeNorms.shape()) + " do not match codebook shape "
                    + Shape.str(codebook.shape()));
        }
        checkOutputs("nearestCodes", n, indices, distances);
        Tensor xs = rows(x), cs = rows(codebook), norms = codeNorms.contiguous();
        Kernels.codeSearch().argmin(n, k, d, xs.data(), xs.offset(), ld(xs), cs.data(), cs.offset(), ld(cs),
                norms.data(), norms.offset(), -2f, indices, 0, null, 0);
        if (distances != null) recompute(xs, cs, indices, distances, true);
    }

    /**
     * The code of largest inner product x.c for each row of {@code x} [n, d] among the rows of
     * {@code codebook} [K, d]: the nearest code by cosine when the codes (and rows) are l2-normalised.
     * Fused like {@link #nearestCodesInto} (no n x K matrix), with the same guarantees: the lowest index
     * among exactly equal computed products, the reported product recomputed in double for the chosen
     * code, the same result for any thread count and kernel, a row holding NaN mapped to code 0.
     *
     * @param x the rows, [n, d]
     * @param codebook the codes, [K, d]
     * @return each row's best code and its inner product
     */
    public static BestInnerProducts maxInnerProductCodes(Tensor x, Tensor codebook) {
        int n = checkPair("maxInnerProductCodes", x, codebook);
        int[] indices = new int[n];
        float[] products = new float[n];
        maxInnerProductCodesInto(x, codebook, indices, products);
        return new BestInnerProducts(indices, products);
    }

    /**
     * {@link #maxInnerProductCodes} into the caller's arrays ({@code products} may be null); allocates nothing in steady state.
     *
     * @param x the rows, [n, d]
     * @param codebook the codes, [K, d]
     * @param indices receives each row's best code, at least n long
     * @param products receives the inner products, at least n long, or null
     */
    public static void maxInnerProductCodesInto(Tensor x, Tensor codebook, int[] indices, float[] products) {
        int n = checkPair("maxInnerProductCodes", x, codebook);
        int k = codebook.dim(0), d = codebook.dim(1);
        checkOutputs("maxInnerProductCodes", n, indices, products);
        Tensor xs = rows(x), cs = rows(codebook);
        // the argmin of -x.c; fma(acc, -1, 0) is exactly -acc
        Kernels.codeSearch().argmin(n, k, d, xs.data(), xs.offset(), ld(xs), cs.data(), cs.offset(), ld(cs),
                null, 0, -1f, indices, 0, null, 0);
        if (products != null) recompute(xs, cs, indices, products, false);
    }

    /**
     * The squared l2 norm of each row of {@code codebook} [K, d], as a [K] tensor for {@link #nearestCodes(Tensor, Tensor, Tensor)}:
     * accumulated in double in a fixed order and rounded once, so every thread count gives the same bits.
     * No gradient.
     *
     * @param codebook the codes, [K, d]
     * @return the squared norms, [K]
     */
    public static Tensor codeNorms(Tensor codebook) {
        if (codebook.rank() != 2) throw new ShapeException("codeNorms: needs a [K, d] codebook, got shape " + Shape.str(codebook.shape()));
        Tensor cs = rows(codebook);
        int k = cs.dim(0), d = cs.dim(1), ldc = ld(cs), co = cs.offset();
        float[] c = cs.data();
        Tensor out = Tensor.empty(k);
        float[] od = out.data();
        Parallel.range(k, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d)), (lo, hi) -> {
            for (int j = lo; j < hi; j++) od[j] = (float) sumOfSquares(c, co + j * ldc, d);
        });
        return out;
    }

    private static double sumOfSquares(float[] a, int o, int d) {
        // a float's square is exact in a double, so the only rounding before the final one is the double
        // sum's, far below a float's; four chains in a fixed order keep it fast and the same on every run
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int p = 0;
        for (; p + 4 <= d; p += 4) {
            double v0 = a[o + p], v1 = a[o + p + 1], v2 = a[o + p + 2], v3 = a[o + p + 3];
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        for (; p < d; p++) {
            double v = a[o + p];
            s0 += v * v;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** out[i] = the squared distance (or inner product) of row i and its code, in double, rounded once. */
    private static void recompute(Tensor xs, Tensor cs, int[] indices, float[] out, boolean distance) {
        int n = xs.dim(0), d = xs.dim(1), ldx = ld(xs), ldc = ld(cs), xo = xs.offset(), co = cs.offset();
        float[] x = xs.data(), c = cs.data();
        Parallel.range(n, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int a = xo + i * ldx, b = co + indices[i] * ldc;
                // four chains in a fixed order: one chain of dependent double adds cost a quarter of a
                // K = 256 search
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int p = 0;
                if (distance) {
                    for (; p + 4 <= d; p += 4) {
                        double e0 = (double) x[a + p] - c[b + p], e1 = (double) x[a + p + 1] - c[b + p + 1];
                        double e2 = (double) x[a + p + 2] - c[b + p + 2], e3 = (double) x[a + p + 3] - c[b + p + 3];
                        s0 += e0 * e0;
                        s1 += e1 * e1;
                        s2 += e2 * e2;
                        s3 += e3 * e3;
                    }
                    for (; p < d; p++) {
                        double e = (double) x[a + p] - c[b + p];
                        s0 += e * e;
                    }
                } else {
                    for (; p + 4 <= d; p += 4) {
                        s0 += (double) x[a + p] * c[b + p];
                        s1 += (double) x[a + p + 1] * c[b + p + 1];
                        s2 += (double) x[a + p + 2] * c[b + p + 2];
                        s3 += (double) x[a + p + 3] * c[b + p + 3];
                    }
                    for (; p < d; p++) s0 += (double) x[a + p] * c[b + p];
                }
                out[i] = (float) ((s0 + s1) + (s2 + s3));
            }
        });
    }

    // ---- rounding (finite scalar quantization)

    /**
     * Each element rounded to the nearest integer, halves to the even neighbour (as {@code Math.rint} and
     * torch.round: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2; -0.4 -> -0), NaN and infinities unchanged, with a
     * straight-through gradient: the backward pass hands the output's gradient to x unchanged, as if the
     * op were the identity (the estimator of finite scalar quantization).
     *
     * @param x the input
     * @return the rounded values; the gradient passes straight through
     */
    public static Tensor roundSte(Tensor x) {
        Tensor c = x.contiguous();
        Tensor out = rint(c);
        return Autograd.record("roundSte", out, g -> Autograd.accumulate(c, g), c);
    }

    /**
     * Each element rounded to the nearest integer, halves to even, like {@link #roundSte}, but not
     * differentiable: the result is a constant to autodiff (rounding's derivative is zero almost
     * everywhere); use {@link #roundSte} to pass gradients through.
     *
     * @param x the input
     * @return the rounded values, without gradient
     */
    public static Tensor round(Tensor x) {
        return rint(x.contiguous());
    }

    private static Tensor rint(Tensor c) {
        Tensor out = Tensor.empty(c.shape());
        float[] xd = c.data(), od = out.data();
        int xo = c.offset();
        // rint of a float is a float: the round trip through double is exact
        Parallel.range(c.size(), ElementwiseOps.GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) od[i] = (float) Math.rint(xd[xo + i]);
        });
        return out;
    }

    // ---- segment sums and counts (EMA codebook updates, code usage)

    /**
     * Sums the rows of {@code values} [n, ...] by segment: {@code out[s] = sum of values[i] over the i with
     * segment[i] = s}, out [segments, ...]; a segment no row names gets zeros. Each output row is summed by
     * one task in ascending i (rows are grouped by a stable counting sort), so the result is bit-identical
     * for any thread count and for the scalar and Vector-API kernels. Differentiable in values
     * (d values[i] = dOut[segment[i]]).
     *
     * @param values the rows to sum, [n, ...]
     * @param segment the segment of each row, each in [0, segments)
     * @param segments the number of segments
     * @return the sums, [segments, ...]
     */
    public static Tensor segmentSum(Tensor values, int[] segment, int segments) {
        if (values.rank() < 1) throw new ShapeException("segmentSum: needs values of rank >= 1, got a scalar");
        int n = values.dim(0);
        if (segment.length != n) {
            throw new ShapeException("segmentSum: " + segment.length + " segment ids for values of shape " + Shape.str(values.shape()));
        }
        checkSegments("segmentSum", segment, segments);
        Tensor v = values.contiguous();
        int[] shape = v.shape();
        int row = Shape.prod(shape, 1, shape.length);
        int[] outShape = shape.clone();
        outShape[0] = segments;
        Tensor out = Tensor.empty(outShape);
        float[] vd = v.data(), od = out.data();
        int vo = v.offset();
        int[] start = new int[segments + 1], order = new int[n];
        for (int sg : segment) start[sg + 1]++;
        for (int s = 0; s < segments; s++) start[s + 1] += start[s];
        int[] cursor = java.util.Arrays.copyOf(start, segments);
        for (int i = 0; i < n; i++) order[cursor[segment[i]]++] = i;
        VectorKernels kv = Kernels.vector();
        long perSegment = (long) Math.max(1, row) * Math.max(1, n / Math.max(1, segments)); // elements an average segment adds
        Parallel.range(segments, (int) Math.max(1, ElementwiseOps.GRAIN / perSegment), (lo, hi) -> {
            for (int s = lo; s < hi; s++) {
                int o = s * row, a = start[s], e = start[s + 1];
                if (a == e) {
                    java.util.Arrays.fill(od, o, o + row, 0f);
                    continue;
                }
                System.arraycopy(vd, vo + order[a] * row, od, o, row);
                for (int q = a + 1; q < e; q++) kv.add(od, o, vd, vo + order[q] * row, od, o, row);
            }
        });
        int[] seg = segment.clone();
        return Autograd.record("segmentSum", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            Tensor gv = Tensor.empty(shape);
            float[] gvd = gv.data();
            Parallel.range(n, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, row)), (lo, hi) -> {
                for (int i = lo; i < hi; i++) System.arraycopy(gd, go + seg[i] * row, gvd, i * row, row);
            });
            Autograd.accumulate(v, gv);
        }, v);
    }

    /**
     * How many times each of {@code segments} ids occurs in {@code segment} (code usage counts).
     *
     * @param segment the ids, each in [0, segments)
     * @param segments the number of ids
     * @return the count of each id
     */
    public static int[] bincount(int[] segment, int segments) {
        checkSegments("bincount", segment, segments);
        int[] counts = new int[segments];
        for (int s : segment) counts[s]++;
        return counts;
    }

    private static void checkSegments(String op, int[] segment, int segments) {
        if (segments < 0) throw new ShapeException(op + ": the number of segments must not be negative, got " + segments);
        for (int i = 0; i < segment.length; i++) {
            if (segment[i] < 0 || segment[i] >= segments) {
                throw new ShapeException(op + ": segment id " + segment[i] + " at position " + i + " is out of range for " + segments + " segments");
            }
        }
    }

    private static int checkPair(String op, Tensor x, Tensor codebook) {
        if (x.rank() != 2 || codebook.rank() != 2 || x.dim(1) != codebook.dim(1)) {
            throw new ShapeException(op + ": needs x [n, d] and codebook [K, d], got shapes " + Shape.str(x.shape()) + " and "
                    + Shape.str(codebook.shape()));
        }
        if (codebook.dim(0) == 0 && x.dim(0) > 0) throw new ShapeException(op + ": the codebook of shape " + Shape.str(codebook.shape()) + " has no codes");
        return x.dim(0);
    }

    private static void checkOutputs(String op, int n, int[] indices, float[] values) {
        if (indices == null || indices.length < n) {
            throw new IllegalArgumentException(op + ": the index array must hold " + n + " values, has " + (indices == null ? "none" : indices.length));
        }
        if (values != null && values.length < n) {
            throw new IllegalArgumentException(op + ": the value array must hold " + n + " values, has " + values.length);
        }
    }

    /** The tensor itself when its rows are unit-stride (any row stride), else a contiguous copy. */
    private static Tensor rows(Tensor t) {
        boolean unit = t.stride(1) == 1 || t.dim(1) <= 1;
        boolean rowsOk = t.dim(0) <= 1 || t.stride(0) >= t.dim(1);
        return unit && rowsOk ? t : t.contiguous();
    }

    private static int ld(Tensor t) {
        return t.dim(0) <= 1 ? Math.max(1, t.dim(1)) : Math.max(t.stride(0), Math.max(1, t.dim(1)));
    }
}
