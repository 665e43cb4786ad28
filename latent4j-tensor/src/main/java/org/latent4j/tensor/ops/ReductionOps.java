package org.latent4j.tensor.ops;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Reductions over all elements or one axis, and the softmax family. Whole-tensor reductions sum fixed
 * chunks in parallel and combine the partials in chunk order, so results do not depend on the thread count.
 */
public final class ReductionOps {
    private ReductionOps() {}

    /** Chunk length of whole-tensor reductions; fixed so results are the same for any thread count. */
    static final int CHUNK = 1 << 14;

    /** Sum of all elements, as a scalar (shape []). */
    public static Tensor sum(Tensor a) {
        Tensor x = a.contiguous();
        Tensor out = Tensor.empty(Shape.SCALAR);
        out.data()[0] = sumAll(x.data(), x.offset(), x.size());
        int[] shape = x.shape();
        return Autograd.record("sum", out, g -> Autograd.accumulate(x, g.expand(shape)), x);
    }

    /** Mean of all elements, as a scalar. */
    public static Tensor mean(Tensor a) {
        int n = a.size();
        if (n == 0) throw new org.latent4j.tensor.ShapeException("mean: tensor of shape " + Shape.str(a.shape()) + " is empty");
        return sum(a).mul(1f / n);
    }

    static float sumAll(float[] d, int off, int n) {
        VectorKernels k = Kernels.vector();
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1) return k.sum(d, off, n);
        float[] partial = new float[chunks];
        Parallel.forEach(chunks, c -> {
            int lo = c * CHUNK;
            partial[c] = k.sum(d, off + lo, Math.min(n, lo + CHUNK) - lo);
        });
        float s = 0f;
        for (float p : partial) s += p;
        return s;
    }

    /** Sum over one axis. */
    public static Tensor sum(Tensor a, int axis, boolean keepDim) {
        Tensor x = a.contiguous();
        int[] shape = x.shape();
        int ax = Shape.axis("sum", axis, shape.length);
        int outer = Shape.prod(shape, 0, ax), len = shape[ax], inner = Shape.prod(shape, ax + 1, shape.length);
        Tensor out = Tensor.empty(Shape.reduced(shape, ax, keepDim));
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        VectorKernels k = Kernels.vector();
        if (inner == 1) {
            Parallel.range(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len)), (lo, hi) -> {
                for (int o = lo; o < hi; o++) od[o] = k.sum(xd, xo + o * len, len);
            });
        } else {
            Parallel.range(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len * inner)), (lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    int dst = o * inner;
                    java.util.Arrays.fill(od, dst, dst + inner, 0f);
                    for (int r = 0; r < len; r++) k.add(od, dst, xd, xo + (o * len + r) * inner, od, dst, inner);
                }
            });
        }
        int[] keep = Shape.reduced(shape, ax, true);
        return Autograd.record("sum", out, g -> Autograd.accumulate(x, g.reshape(keep).expand(shape)), x);
    }

    /** Mean over one axis. */
    public static Tensor mean(Tensor a, int axis, boolean keepDim) {
        int len = a.dim(axis);
        return sum(a, axis, keepDim).mul(1f / len);
    }

    public static Tensor max(Tensor a, int axis, boolean keepDim) {
        throw new UnsupportedOperationException("max: not implemented yet");
    }

    public static Tensor logSumExp(Tensor a, int axis, boolean keepDim) {
        throw new UnsupportedOperationException("logSumExp: not implemented yet");
    }

    public static Tensor softmax(Tensor a, int axis) {
        throw new UnsupportedOperationException("softmax: not implemented yet");
    }

    public static Tensor logSoftmax(Tensor a, int axis) {
        throw new UnsupportedOperationException("logSoftmax: not implemented yet");
    }
}
