package org.latent4j.tensor.ops;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
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

    /**
     * Sum of all elements, as a scalar (shape []).
     *
     * @param a the tensor
     * @return the sum, shape []
     */
    public static Tensor sum(Tensor a) {
        Tensor x = a.contiguous();
        Tensor out = Tensor.empty(Shape.SCALAR);
        out.data()[0] = sumAll(x.data(), x.offset(), x.size());
        int[] shape = x.shape();
        return Autograd.record("sum", out, g -> Autograd.accumulate(x, g.expand(shape)), x);
    }

    /**
     * Mean of all elements, as a scalar.
     *
     * @param a the tensor
     * @return the mean, shape []
     */
    public static Tensor mean(Tensor a) {
        int n = a.size();
        if (n == 0) throw new ShapeException("mean: tensor of shape " + Shape.str(a.shape()) + " is empty");
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

    /**
     * Sum over one axis.
     *
     * @param a the tensor
     * @param axis the axis to sum over; negative counts from the end
     * @param keepDim whether the axis stays, with length 1
     * @return the sums
     */
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
            // tasks take column ranges as well as outer indices: a sum over the first axis (a bias gradient,
            // [1000, 784] -> [784] in IWAE training) has one outer index and ran on one thread. Each element
            // still adds its len values in order.
            int cols = Math.min(inner, Math.max(64, (ElementwiseOps.GRAIN / Math.max(1, len) + 63) / 64 * 64));
            int colChunks = (inner + cols - 1) / cols;
            Parallel.range(outer * colChunks, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len * cols)), (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int o = t / colChunks, c0 = (t % colChunks) * cols, w = Math.min(inner, c0 + cols) - c0;
                    int dst = o * inner + c0;
                    java.util.Arrays.fill(od, dst, dst + w, 0f);
                    for (int r = 0; r < len; r++) k.add(od, dst, xd, xo + (o * len + r) * inner + c0, od, dst, w);
                }
            });
        }
        int[] keep = Shape.reduced(shape, ax, true);
        return Autograd.record("sum", out, g -> Autograd.accumulate(x, g.reshape(keep).expand(shape)), x);
    }

    /**
     * Mean over one axis.
     *
     * @param a the tensor
     * @param axis the axis to average over; negative counts from the end
     * @param keepDim whether the axis stays, with length 1
     * @return the means
     */
    public static Tensor mean(Tensor a, int axis, boolean keepDim) {
        int len = a.dim(axis);
        return sum(a, axis, keepDim).mul(1f / len);
    }

    /**
     * Largest element along an axis. The gradient goes to the first maximal element of each slice (NaN
     * counts as maximal, so a NaN propagates to the output and takes the gradient).
     *
     * @param a the tensor
     * @param axis the axis to reduce; negative counts from the end
     * @param keepDim whether the axis stays, with length 1
     * @return the maxima
     */
    public static Tensor max(Tensor a, int axis, boolean keepDim) {
        int[] shape = a.shape();
        int ax = Shape.axis("max", axis, shape.length);
        requireNonEmpty("max", shape, ax);
        if (ax != shape.length - 1) return viaLastAxis(a, ax, keepDim, t -> max(t, -1, true));
        Tensor x = a.contiguous();
        int len = shape[ax], rows = x.size() / len;
        Tensor out = Tensor.empty(Shape.reduced(shape, ax, keepDim));
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        int[] argmax = new int[rows];
        VectorKernels k = Kernels.vector();
        Parallel.range(rows, rowGrain(len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int p = xo + r * len;
                float m = k.max(xd, p, len);
                int j = 0;
                if (Float.isNaN(m)) {
                    while (!Float.isNaN(xd[p + j])) j++;
                } else {
                    while (xd[p + j] != m) j++;
                }
                od[r] = m;
                argmax[r] = j;
            }
        });
        return Autograd.record("max", out, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.zeros(shape);
            float[] gd = gc.data(), gxd = gx.data();
            int go = gc.offset();
            for (int r = 0; r < rows; r++) gxd[r * len + argmax[r]] = gd[go + r];
            Autograd.accumulate(x, gx);
        }, x);
    }

    /**
     * ln(sum(exp(x))) along an axis, computed as m + ln(sum(exp(x - m))) with m the maximum, so it neither
     * overflows nor underflows; all -Inf gives -Inf. The gradient is softmax(x) times the incoming gradient.
     *
     * @param a the tensor
     * @param axis the axis to reduce; negative counts from the end
     * @param keepDim whether the axis stays, with length 1
     * @return the log-sum-exps
     */
    public static Tensor logSumExp(Tensor a, int axis, boolean keepDim) {
        int[] shape = a.shape();
        int ax = Shape.axis("logSumExp", axis, shape.length);
        requireNonEmpty("logSumExp", shape, ax);
        if (ax != shape.length - 1) return viaLastAxis(a, ax, keepDim, t -> logSumExp(t, -1, true));
        Tensor x = a.contiguous();
        int len = shape[ax], rows = x.size() / len;
        Tensor out = Tensor.empty(Shape.reduced(shape, ax, keepDim));
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        VectorKernels k = rowKernels(len);
        Parallel.range(rows, rowGrain(len), (lo, hi) -> {
            float[] scratch = new float[len];
            for (int r = lo; r < hi; r++) {
                int p = xo + r * len;
                float shift = shiftOf(k.max(xd, p, len));
                od[r] = shift + (float) Math.log(k.expShifted(xd, p, shift, scratch, 0, len));
            }
        });
        return Autograd.record("logsumexp", out, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(shape);
            float[] gd = gc.data(), gxd = gx.data();
            int go = gc.offset();
            VectorKernels kb = rowKernels(len);
            Parallel.range(rows, rowGrain(len), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int p = r * len;
                    kb.expShifted(xd, xo + p, od[r], gxd, p, len);
                    kb.mulScalar(gxd, p, gd[go + r], gxd, p, len);
                }
            });
            Autograd.accumulate(x, gx);
        }, x);
    }

    /**
     * exp(x) / sum(exp(x)) along an axis, shifted by the maximum for stability.
     *
     * @param a the tensor
     * @param axis the axis that sums to 1; negative counts from the end
     * @return a tensor of a's shape
     */
    public static Tensor softmax(Tensor a, int axis) {
        int[] shape = a.shape();
        int ax = Shape.axis("softmax", axis, shape.length);
        requireNonEmpty("softmax", shape, ax);
        if (ax != shape.length - 1) return viaLastAxis(a, ax, true, t -> softmax(t, -1));
        Tensor x = a.contiguous();
        int len = shape[ax], rows = x.size() / len;
        Tensor y = Tensor.empty(shape);
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        VectorKernels k = rowKernels(len);
        Parallel.range(rows, rowGrain(len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int p = r * len;
                float sum = k.expShifted(xd, xo + p, shiftOf(k.max(xd, xo + p, len)), yd, p, len);
                k.divScalar(yd, p, sum, yd, p, len);
            }
        });
        return Autograd.record("softmax", y, g -> {
            // dx = y * (g - sum(g * y)) per row
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(shape);
            float[] gd = gc.data(), gxd = gx.data();
            int go = gc.offset();
            VectorKernels kb = rowKernels(len);
            Parallel.range(rows, rowGrain(len), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int p = r * len;
                    float dot = kb.dot(gd, go + p, yd, p, len);
                    kb.addScalar(gd, go + p, -dot, gxd, p, len);
                    kb.mul(gxd, p, yd, p, gxd, p, len);
                }
            });
            Autograd.accumulate(x, gx);
        }, x);
    }

    /**
     * x - logSumExp(x) along an axis, computed as (x - m) - ln(sum(exp(x - m))) so large x keep their precision.
     *
     * @param a the tensor
     * @param axis the axis to normalise; negative counts from the end
     * @return a tensor of a's shape
     */
    public static Tensor logSoftmax(Tensor a, int axis) {
        int[] shape = a.shape();
        int ax = Shape.axis("logSoftmax", axis, shape.length);
        requireNonEmpty("logSoftmax", shape, ax);
        if (ax != shape.length - 1) return viaLastAxis(a, ax, true, t -> logSoftmax(t, -1));
        Tensor x = a.contiguous();
        int len = shape[ax], rows = x.size() / len;
        Tensor y = Tensor.empty(shape);
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        VectorKernels k = rowKernels(len);
        Parallel.range(rows, rowGrain(len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int p = r * len;
                float shift = shiftOf(k.max(xd, xo + p, len));
                float logSum = (float) Math.log(k.expShifted(xd, xo + p, shift, yd, p, len));
                k.addScalar(xd, xo + p, -shift, yd, p, len);
                k.addScalar(yd, p, -logSum, yd, p, len);
            }
        });
        return Autograd.record("log_softmax", y, g -> {
            // dx = g - exp(y) * sum(g) per row
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(shape);
            float[] gd = gc.data(), gxd = gx.data();
            int go = gc.offset();
            VectorKernels kb = rowKernels(len);
            Parallel.range(rows, rowGrain(len), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int p = r * len;
                    float sum = kb.sum(gd, go + p, len);
                    kb.exp(yd, p, gxd, p, len);
                    kb.mulScalar(gxd, p, -sum, gxd, p, len);
                    kb.add(gxd, p, gd, go + p, gxd, p, len);
                }
            });
            Autograd.accumulate(x, gx);
        }, x);
    }

    /**
     * Rows shorter than this are done by the scalar kernels. A row of a categorical latent's 10 categories is shorter
     * than one vector, so the SIMD kernels would run only their masked tail on it, five calls per row; on such rows
     * their exp helpers allocated boxed vectors (1.5 MB a step of the categorical VAE, JFR's allocation samples), and
     * the scalar loops neither allocate nor pay a vector set-up per call. A constant, not the machine's lane count, so
     * that which kernels run does not depend on the CPU.
     */
    static final int SHORT_ROW = 16;

    private static VectorKernels rowKernels(int len) {
        return len < SHORT_ROW ? org.latent4j.tensor.kernel.ScalarKernels.INSTANCE : Kernels.vector();
    }

    /** Rows per parallel task for row-wise work on rows of {@code len}: depends only on the problem size. */
    private static int rowGrain(int len) {
        return Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len));
    }

    /**
     * The shift of a stable softmax: the row maximum, or 0 when the maximum is infinite (x - Inf would
     * turn every element into NaN or -Inf, while exp of the unshifted row gives the right limit).
     */
    private static float shiftOf(float max) {
        return Float.isInfinite(max) ? 0f : max;
    }

    private static void requireNonEmpty(String op, int[] shape, int ax) {
        if (shape[ax] == 0) throw new ShapeException(op + ": axis " + ax + " of shape " + Shape.str(shape) + " is empty");
    }

    /**
     * The general path for an axis other than the last: swap it with the last axis, run the row version
     * (with keepDim), swap back, and drop the axis when asked. The swaps are recorded views, so the
     * gradient flows through them.
     */
    private static Tensor viaLastAxis(Tensor a, int ax, boolean keepDim, java.util.function.UnaryOperator<Tensor> rowOp) {
        int last = a.rank() - 1;
        Tensor r = rowOp.apply(a.transpose(ax, last)).transpose(ax, last);
        return keepDim ? r : r.reshape(Shape.reduced(a.shape(), ax, false));
    }
}
