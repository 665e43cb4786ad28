package org.latent4j.tensor.ops;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Matrix products. A transposed view ({@link Tensor#t()}) goes to GEMM as a transpose flag, never as a
 * copy, which is what lets the backward passes (G B^T and A^T G) run on the forward's storage.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /** How GEMM reads the last two dimensions of a tensor: row-major or transposed, with a leading dimension. */
    private record Layout(Tensor storage, boolean trans, int ld, int batchStride) {
        static Layout of(Tensor t) {
            int r = t.rank();
            int rows = t.dim(r - 2), cols = t.dim(r - 1);
            int s0 = t.stride(r - 2), s1 = t.stride(r - 1);
            int bs = r == 3 ? t.stride(0) : 0;
            if ((s1 == 1 || cols == 1) && s0 >= Math.max(1, cols)) return new Layout(t, false, Math.max(s0, 1), bs);
            if ((s0 == 1 || rows == 1) && s1 >= Math.max(1, rows)) return new Layout(t, true, Math.max(s1, 1), bs);
            Tensor c = t.contiguous();
            return new Layout(c, false, Math.max(1, cols), r == 3 ? rows * cols : 0);
        }
    }

    /**
     * Matrix product: [m,k] x [k,n] -> [m,n]; batched [b,m,k] x [b,k,n] -> [b,m,n]; and
     * [b,m,k] x [k,n] -> [b,m,n] (one matrix applied to every batch element).
     *
     * @param a the left matrix or batch of matrices
     * @param b the right matrix or batch of matrices
     * @return the product
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.rank(), rb = b.rank();
        if (ra == 2 && rb == 2) return matmul2d(a, b);
        if (ra == 3 && rb == 3) return bmm(a, b);
        if (ra == 3 && rb == 2) {
            if (a.dim(2) != b.dim(0)) throw mismatch(a, b);
            Tensor flat = a.reshape(a.dim(0) * a.dim(1), a.dim(2));
            return matmul2d(flat, b).reshape(a.dim(0), a.dim(1), b.dim(1));
        }
        throw new ShapeException("matmul: needs 2-D or 3-D operands, got shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
    }

    private static ShapeException mismatch(Tensor a, Tensor b) {
        return new ShapeException("matmul: inner dimensions differ: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
    }

    private static Tensor matmul2d(Tensor a, Tensor b) {
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k) throw mismatch(a, b);
        Tensor out = Tensor.empty(m, n);
        gemmInto(a, b, out, m, n, k, false);
        return Autograd.record("matmul", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulateInto(a, (dst, add) -> gemmInto(g, b.t(), dst, m, k, n, add));
            if (Autograd.wants(b)) Autograd.accumulateInto(b, (dst, add) -> gemmInto(a.t(), g, dst, k, n, m, add));
        }, a, b);
    }

    /**
     * x W^T for a weight stored [out, in], as {@code torch.nn.Linear} stores it: x [m, in] or [s, m, in] gives
     * [m, out] or [s, m, out]. Its own op rather than {@code x.matmul(weight.t())} so that the weight gradient
     * g^T x is written straight into the weight's [out, in] buffer: through the transposed view it would land
     * in an [in, out] temporary and be copied across, transposing, on every step.
     *
     * @param x the input, [m, in] or [s, m, in]
     * @param weight the weight, [out, in]
     * @return the output, [m, out] or [s, m, out]
     */
    public static Tensor linear(Tensor x, Tensor weight) {
        if (weight.rank() != 2 || (x.rank() != 2 && x.rank() != 3) || x.dim(x.rank() - 1) != weight.dim(1)) {
            throw new ShapeException("linear: needs x [m, in] or [s, m, in] and a weight [out, in], got shapes " + Shape.str(x.shape())
                    + " and " + Shape.str(weight.shape()));
        }
        Tensor a = x.rank() == 2 ? x : x.reshape(x.dim(0) * x.dim(1), x.dim(2));
        int m = a.dim(0), k = a.dim(1), n = weight.dim(0);
        Tensor out = Tensor.empty(m, n);
        Tensor wt = weight.detach().t();
        gemmInto(a, wt, out, m, n, k, false);
        Tensor y = Autograd.record("linear", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulateInto(a, (dst, add) -> gemmInto(g, weight, dst, m, k, n, add));
            if (Autograd.wants(weight)) Autograd.accumulateInto(weight, (dst, add) -> gemmInto(g.t(), a, dst, n, k, m, add));
        }, a, weight);
        return x.rank() == 2 ? y : y.reshape(x.dim(0), x.dim(1), n);
    }

    /**
     * Batched product of [b,m,k] and [b,k,n].
     *
     * @param a [b, m, k]
     * @param b [b, k, n]
     * @return [b, m, n]
     */
    public static Tensor bmm(Tensor a, Tensor b) {
        if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(1)) {
            throw new ShapeException("bmm: needs [b,m,k] and [b,k,n], got shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        int batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
        Tensor out = Tensor.empty(batch, m, n);
        Layout la = Layout.of(a), lb = Layout.of(b);
        for (int i = 0; i < batch; i++) {
            Kernels.gemm().sgemm(la.trans, lb.trans, m, n, k, 1f,
                    la.storage.data(), la.storage.offset() + i * la.batchStride, la.ld,
                    lb.storage.data(), lb.storage.offset() + i * lb.batchStride, lb.ld,
                    0f, out.data(), out.offset() + i * m * n, n);
        }
        return Autograd.record("bmm", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulate(a, bmm(g, b.transpose(1, 2)));
            if (Autograd.wants(b)) Autograd.accumulate(b, bmm(a.transpose(1, 2), g));
        }, a, b);
    }

    /** out = a b, or out += a b when {@code accumulate}; out contiguous. */
    private static void gemmInto(Tensor a, Tensor b, Tensor out, int m, int n, int k, boolean accumulate) {
        Layout la = Layout.of(a), lb = Layout.of(b);
        Kernels.gemm().sgemm(la.trans, lb.trans, m, n, k, 1f,
                la.storage.data(), la.storage.offset(), la.ld,
                lb.storage.data(), lb.storage.offset(), lb.ld,
                accumulate ? 1f : 0f, out.data(), out.offset(), n);
    }

    /**
     * The product of a row-sparse matrix with {@code weight}: row i of the sparse matrix has the k values
     * {@code values[i, 0..k)} at the columns {@code indices[i*k .. i*k+k)}, so
     * {@code out[i] = sum_j values[i, j] * weight[indices[i*k + j], :]}: values [b, k], weight [L, d],
     * out [b, d]. This is the decoder of a top-k sparse autoencoder (k active latents of L per row), at
     * b k d multiply-adds where the dense product with the [b, L] matrix of mostly zeros costs b L d.
     *
     * <p>Indices must lie in [0, L) and may repeat within a row (their terms add up); they are copied, so
     * the caller may reuse the array. Gradients: d values[i, j] = dOut[i] . weight[indices[i*k + j]]; d weight
     * row r = sum of values[i, j] dOut[i] over the (i, j) with indices[i*k + j] = r, accumulated for each
     * weight row by one task in ascending (i, j) order (an inverse index, built per backward pass), so the
     * weight gradient is race-free and bit-identical for any thread count; rows no index names get 0.
     * Forward rows are each written by one task in j order. Vectorised through {@link VectorKernels#axpy}
     * and {@link VectorKernels#dot}.
     *
     * @param indices the k column indices of each row, flat, [n * k]
     * @param values the k values of each row, [n, k]
     * @param weight the dense matrix, [L, d]
     * @return the product, [n, d]
     */
    public static Tensor sparseRowsMatmul(int[] indices, Tensor values, Tensor weight) {
        if (values.rank() != 2 || weight.rank() != 2) {
            throw new ShapeException("sparseRowsMatmul: needs values [b, k] and weight [L, d], got shapes " + Shape.str(values.shape())
                    + " and " + Shape.str(weight.shape()));
        }
        int b = values.dim(0), k = values.dim(1), rowsL = weight.dim(0), d = weight.dim(1);
        if (indices.length != b * k) {
            throw new ShapeException("sparseRowsMatmul: " + indices.length + " indices for values of shape " + Shape.str(values.shape())
                    + " (needs " + b * k + ")");
        }
        for (int p = 0; p < indices.length; p++) {
            if (indices[p] < 0 || indices[p] >= rowsL) {
                throw new ShapeException("sparseRowsMatmul: index " + indices[p] + " at position " + p + " is out of range for weight of shape "
                        + Shape.str(weight.shape()));
            }
        }
        int[] idx = indices.clone();
        Tensor v = values.contiguous(), w = weight.contiguous();
        Tensor out = Tensor.empty(b, d);
        float[] vd = v.data(), wd = w.data();
        int vo = v.offset(), wo = w.offset();
        VectorKernels kv = Kernels.vector();
        int rowGrain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, k * d));
        sparseRowsInto(idx, b, k, d, vd, vo, wd, wo, out.data(), out.offset(), false);
        return Autograd.record("sparseRowsMatmul", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            if (Autograd.wants(w)) {
                // both gradients in one pass over the weight rows when both are wanted: each row is read once
                Autograd.accumulateInto(w, (dw, addW) -> {
                    if (Autograd.wants(v)) {
                        Autograd.accumulateInto(v, (dv, addV) -> sparseRowsBackward(idx, b, k, rowsL, d, vd, vo, wd, wo, gd, go,
                                dw.data(), dw.offset(), addW, dv.data(), dv.offset(), addV));
                    } else {
                        sparseRowsBackward(idx, b, k, rowsL, d, vd, vo, wd, wo, gd, go, dw.data(), dw.offset(), addW, null, 0, false);
                    }
                });
            } else if (Autograd.wants(v)) {
                Autograd.accumulateInto(v, (dst, add) -> {
                    float[] dd = dst.data();
                    int dO = dst.offset();
                    Parallel.range(b, rowGrain, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) {
                            for (int j = 0; j < k; j++) {
                                float dot = kv.dot(gd, go + i * d, wd, wo + idx[i * k + j] * d, d);
                                dd[dO + i * k + j] = add ? dd[dO + i * k + j] + dot : dot;
                            }
                        }
                    });
                });
            }
        }, v, w);
    }

    /**
     * out[i] (+)= sum_j v[i, j] w[idx[i*k + j]] for the b rows, each row written by one task in j order (the
     * forward of {@link #sparseRowsMatmul}, and the input gradient of {@link #sparseRowsDot}).
     */
    private static void sparseRowsInto(int[] idx, int b, int k, int d, float[] vd, int vo, float[] wd, int wo, float[] od, int oo,
                                       boolean accumulate) {
        VectorKernels kv = Kernels.vector();
        Parallel.range(b, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, k * d)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int o = oo + i * d;
                if (k == 0) {
                    if (!accumulate) java.util.Arrays.fill(od, o, o + d, 0f);
                    continue;
                }
                int j = 0;
                if (!accumulate) {
                    // the first term is written, not added to zeros: one pass over the row fewer
                    kv.mulScalar(wd, wo + idx[i * k] * d, vd[vo + i * k], od, o, d);
                    j = 1;
                }
                for (; j < k; j++) kv.axpy(vd[vo + i * k + j], wd, wo + idx[i * k + j] * d, od, o, d);
            }
        });
    }

    /**
     * The products of each row of x with k rows of {@code weight}: {@code out[i, j] = x[i] . weight[indices[i*k + j]]},
     * x [b, d], weight [L, d], out [b, k], k = indices.length / b. This is x W^T read only at k columns a row, the
     * adjoint of {@link #sparseRowsMatmul}: a top-k encoder's selected pre-activations, recomputed with gradients
     * after the selection was made on the dense product without them, so that the backward costs b k d
     * multiply-adds instead of the dense product's b L d (at b = 256, L = 4096, k = 32, d = 784: 128 times
     * fewer) and no [b, L] gradient is written.
     *
     * <p>Indices must lie in [0, L) and may repeat. Gradients: dx[i] = sum_j g[i, j] weight[indices[i*k + j]]
     * (each row written by one task in j order); d weight row r = sum of g[i, j] x[i] over the (i, j) with
     * indices[i*k + j] = r, accumulated per weight row in ascending (i, j) order through the inverse index of
     * {@link #sparseRowsMatmul}'s backward, so both are bit-identical for any thread count.
     *
     * @param indices the k rows of weight for each row of x, flat, [b * k]
     * @param x the input, [b, d]
     * @param weight the matrix whose rows are taken, [L, d]
     * @return the products, [b, k]
     */
    public static Tensor sparseRowsDot(int[] indices, Tensor x, Tensor weight) {
        if (x.rank() != 2 || weight.rank() != 2 || x.dim(1) != weight.dim(1)) {
            throw new ShapeException("sparseRowsDot: needs x [b, d] and weight [L, d], got shapes " + Shape.str(x.shape()) + " and "
                    + Shape.str(weight.shape()));
        }
        int b = x.dim(0), rowsL = weight.dim(0), d = x.dim(1);
        if (b == 0 ? indices.length != 0 : indices.length % b != 0) {
            throw new ShapeException("sparseRowsDot: " + indices.length + " indices are not k per row of x " + Shape.str(x.shape()));
        }
        int k = b == 0 ? 0 : indices.length / b;
        for (int p = 0; p < indices.length; p++) {
            if (indices[p] < 0 || indices[p] >= rowsL) {
                throw new ShapeException("sparseRowsDot: index " + indices[p] + " at position " + p + " is out of range for weight of shape "
                        + Shape.str(weight.shape()));
            }
        }
        int[] idx = indices.clone();
        Tensor xc = x.contiguous(), w = weight.contiguous();
        Tensor out = Tensor.empty(b, k);
        float[] xd = xc.data(), wd = w.data(), od = out.data();
        int xo = xc.offset(), wo = w.offset(), oo = out.offset();
        VectorKernels kv = Kernels.vector();
        Parallel.range(b, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, k * d)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) od[oo + i * k + j] = kv.dot(xd, xo + i * d, wd, wo + idx[i * k + j] * d, d);
            }
        });
        return Autograd.record("sparseRowsDot", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            if (Autograd.wants(xc)) {
                Autograd.accumulateInto(xc, (dst, add) -> sparseRowsInto(idx, b, k, d, gd, go, wd, wo, dst.data(), dst.offset(), add));
            }
            if (Autograd.wants(w)) {
                // d weight[r] = sum of g[p] x[p / k]: the weight gradient of sparseRowsMatmul with g as its values and x as its output gradient
                Autograd.accumulateInto(w, (dw, add) -> sparseRowsBackward(idx, b, k, rowsL, d, gd, go, wd, wo, xd, xo, dw.data(), dw.offset(), add,
                        null, 0, false));
            }
        }, xc, w);
    }

    /** Per-thread inverse-index arrays of {@link #sparseRowsBackward}, kept so a training step does not allocate them. */
    private static final ThreadLocal<int[][]> INVERSE = ThreadLocal.withInitial(() -> new int[][] {new int[0], new int[0]});

    /**
     * The weight gradient dw[r] (+)= sum over positions p with idx[p] = r, in ascending p, of v[p] g[p / k],
     * and, when dv is not null, the values' gradient dv[p] (+)= g[p / k] . w[idx[p]] in the same pass. A
     * counting sort of the positions by index (stable, so ascending within a row) gives each weight row its
     * list; tasks own ranges of weight rows, so each dw row and each dv element has one writer, and a
     * weight row is read once for all its positions and both gradients (at b = 256, L = 4096, k = 32,
     * d = 784 this measured the same as two passes on the build machine, whose caches hold the rows).
     */
    private static void sparseRowsBackward(int[] idx, int b, int k, int rowsL, int d, float[] vd, int vo, float[] wd, int wo,
                                           float[] gd, int go, float[] dw, int dwo, boolean addW, float[] dv, int dvo, boolean addV) {
        int[][] inv = INVERSE.get();
        if (inv[0].length < rowsL + 1) inv[0] = new int[rowsL + 1];
        if (inv[1].length < idx.length) inv[1] = new int[idx.length];
        int[] start = inv[0], order = inv[1];
        java.util.Arrays.fill(start, 0, rowsL + 1, 0);
        for (int p : idx) start[p + 1]++;
        for (int r = 0; r < rowsL; r++) start[r + 1] += start[r];
        // fill with a moving cursor per row; afterwards the cursors are the ends, restored from the next start
        for (int p = 0; p < idx.length; p++) order[start[idx[p]]++] = p;
        for (int r = rowsL; r > 0; r--) start[r] = start[r - 1];
        start[0] = 0;
        VectorKernels kv = Kernels.vector();
        Parallel.range(rowsL, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = dwo + r * d, s = start[r], e = start[r + 1];
                if (dv != null) {
                    for (int q = s; q < e; q++) {
                        int p = order[q];
                        float dot = kv.dot(gd, go + (p / k) * d, wd, wo + r * d, d);
                        dv[dvo + p] = addV ? dv[dvo + p] + dot : dot;
                    }
                }
                if (!addW) {
                    if (s == e) {
                        java.util.Arrays.fill(dw, o, o + d, 0f);
                        continue;
                    }
                    int p = order[s++];
                    kv.mulScalar(gd, go + (p / k) * d, vd[vo + p], dw, o, d);
                }
                for (; s < e; s++) {
                    int p = order[s];
                    kv.axpy(vd[vo + p], gd, go + (p / k) * d, dw, o, d);
                }
            }
        });
    }

    /**
     * Squared Euclidean distances between the rows of a [n,d] and the rows of b [m,d]: out[i][j] =
     * |a_i - b_j|^2, computed directly (not as |a|^2 - 2ab + |b|^2, which cancels badly for near points).
     *
     * @param a the first rows, [n, d]
     * @param b the second rows, [m, d]
     * @return the distances, [n, m]
     */
    public static Tensor squaredDistances(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(1)) {
            throw new ShapeException("squaredDistances: needs [n,d] and [m,d], got shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        Tensor x = a.contiguous(), y = b.contiguous();
        int n = x.dim(0), m = y.dim(0), d = x.dim(1);
        Tensor out = Tensor.empty(n, m);
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), yd = y.data(), od = out.data();
        int xo = x.offset(), yo = y.offset();
        int rowGrain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, m * d));
        Parallel.range(n, rowGrain, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < m; j++) od[i * m + j] = k.squaredDistance(xd, xo + i * d, yd, yo + j * d, d);
            }
        });
        return Autograd.record("squaredDistances", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            // d/da_i = sum_j 2 g_ij (a_i - b_j), summed over explicit differences: the expanded form
            // 2 (sum_j g_ij) a_i - 2 G B cancels when points sit close together far from the origin.
            // Zero weights are skipped, which makes a gradient through a few selected distances cheap.
            if (Autograd.wants(x)) {
                Tensor ga = Tensor.zeros(n, d);
                float[] gad = ga.data();
                Parallel.range(n, rowGrain, (lo, hi) -> {
                    float[] diff = new float[d];
                    for (int i = lo; i < hi; i++) {
                        for (int j = 0; j < m; j++) {
                            float w = 2f * gd[go + i * m + j];
                            if (w == 0f) continue;
                            k.sub(xd, xo + i * d, yd, yo + j * d, diff, 0, d);
                            k.axpy(w, diff, 0, gad, i * d, d);
                        }
                    }
                });
                Autograd.accumulate(x, ga);
            }
            if (Autograd.wants(y)) {
                Tensor gb = Tensor.zeros(m, d);
                float[] gbd = gb.data();
                Parallel.range(m, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, n * d)), (lo, hi) -> {
                    float[] diff = new float[d];
                    for (int j = lo; j < hi; j++) {
                        for (int i = 0; i < n; i++) {
                            float w = 2f * gd[go + i * m + j];
                            if (w == 0f) continue;
                            k.sub(yd, yo + j * d, xd, xo + i * d, diff, 0, d);
                            k.axpy(w, diff, 0, gbd, j * d, d);
                        }
                    }
                });
                Autograd.accumulate(y, gb);
            }
        }, x, y);
    }
}
