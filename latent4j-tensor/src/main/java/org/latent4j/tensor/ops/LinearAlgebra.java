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

    /** Batched product of [b,m,k] and [b,k,n]. */
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
     * Squared Euclidean distances between the rows of a [n,d] and the rows of b [m,d]: out[i][j] =
     * |a_i - b_j|^2, computed directly (not as |a|^2 - 2ab + |b|^2, which cancels badly for near points).
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
