package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Indexing: index-select, gather, one-hot, top-k and row-wise argmin/argmax. Indices are plain
 * {@code int[]} (the engine has no integer tensors); multi-dimensional index arrays are flat, row-major,
 * with their shape given beside them. Masking with a condition is {@code ElementwiseOps.where}.
 */
public final class IndexOps {
    private IndexOps() {}

    /** The k largest entries along an axis, and where they were. */
    public record TopK(Tensor values, int[] indices) {}

    /**
     * The slices of {@code a} at positions {@code index} along {@code axis}, in that order: the output has
     * the shape of {@code a} with that dimension replaced by {@code index.length}. Indices may repeat (their
     * gradients add up) but may not be negative.
     */
    public static Tensor indexSelect(Tensor a, int axis, int[] index) {
        int[] shape = a.shape();
        int ax = Shape.axis("indexSelect", axis, shape.length);
        int len = shape[ax];
        checkIndices("indexSelect", index, len, ax, shape);
        Tensor x = a.contiguous();
        int outer = Shape.prod(shape, 0, ax), inner = Shape.prod(shape, ax + 1, shape.length);
        int[] outShape = shape.clone();
        outShape[ax] = index.length;
        Tensor out = Tensor.empty(outShape);
        float[] xd = x.data(), od = out.data();
        int xo = x.offset(), k = index.length;
        int rows = outer * k;
        Parallel.range(rows, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, inner)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r / k;
                System.arraycopy(xd, xo + (o * len + index[r % k]) * inner, od, r * inner, inner);
            }
        });
        int[] idx = index.clone();
        return Autograd.record("indexSelect", out, g -> {
            Tensor gc = g.contiguous();
            Tensor full = Tensor.zeros(shape);
            float[] gd = gc.data(), fd = full.data();
            int go = gc.offset();
            VectorKernels kv = Kernels.vector();
            // Repeated indices write the same destination, so work is split by outer block only (disjoint).
            Parallel.range(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, k * inner)), (lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    for (int j = 0; j < k; j++) {
                        int dst = (o * len + idx[j]) * inner;
                        kv.add(fd, dst, gd, go + (o * k + j) * inner, fd, dst, inner);
                    }
                }
            });
            Autograd.accumulate(x, full);
        }, x);
    }

    /**
     * PyTorch's gather: {@code out[p] = a[p with p[axis] replaced by index[p]]}, for every multi-index p of
     * the index array. {@code index} is flat, row-major, of shape {@code indexShape}, which has the rank of
     * {@code a} and no dimension larger than a's except along {@code axis}; the output has shape
     * {@code indexShape}. Repeated targets add up their gradients.
     */
    public static Tensor gather(Tensor a, int axis, int[] index, int[] indexShape) {
        int[] shape = a.shape();
        int ax = Shape.axis("gather", axis, shape.length);
        if (indexShape.length != shape.length) {
            throw new ShapeException("gather: index shape " + Shape.str(indexShape) + " must have the rank of input shape " + Shape.str(shape));
        }
        for (int d = 0; d < shape.length; d++) {
            if (indexShape[d] < 0 || d != ax && indexShape[d] > shape[d]) {
                throw new ShapeException("gather: index shape " + Shape.str(indexShape) + " exceeds input shape " + Shape.str(shape)
                        + " at axis " + d);
            }
        }
        int n = Shape.size(indexShape);
        if (index.length != n) {
            throw new ShapeException("gather: " + index.length + " indices do not fill index shape " + Shape.str(indexShape));
        }
        checkIndices("gather", index, shape[ax], ax, shape);
        Tensor x = a.contiguous();
        int[] positions = gatherPositions(shape, ax, index, indexShape);
        Tensor out = Tensor.empty(indexShape);
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        for (int i = 0; i < n; i++) od[i] = xd[xo + positions[i]];
        return Autograd.record("gather", out, g -> {
            float[] gd = g.contiguous().toArray();
            Tensor full = Tensor.zeros(shape);
            float[] fd = full.data();
            for (int i = 0; i < n; i++) fd[positions[i]] += gd[i];
            Autograd.accumulate(x, full);
        }, x);
    }

    /** Row-major position in a contiguous tensor of {@code shape} of each gathered element. */
    private static int[] gatherPositions(int[] shape, int ax, int[] index, int[] indexShape) {
        int rank = shape.length;
        int[] strides = Shape.stridesOf(shape);
        int[] positions = new int[index.length];
        int[] p = new int[rank];
        int base = 0; // sum over d != ax of p[d] * strides[d]
        for (int i = 0; i < index.length; i++) {
            positions[i] = base + index[i] * strides[ax];
            for (int d = rank - 1; d >= 0; d--) {
                int step = d == ax ? 0 : strides[d];
                base += step;
                if (++p[d] < indexShape[d]) break;
                base -= step * indexShape[d];
                p[d] = 0;
            }
        }
        return positions;
    }

    private static void checkIndices(String op, int[] index, int len, int ax, int[] shape) {
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= len) {
                throw new ShapeException(op + ": index " + index[i] + " at position " + i + " is out of range for axis " + ax
                        + " of shape " + Shape.str(shape) + " (size " + len + ")");
            }
        }
    }

    /** A [labels.length, classes] tensor of zeros with a 1 at (i, labels[i]); constant, no gradient. */
    public static Tensor oneHot(int[] labels, int classes) {
        if (classes <= 0) throw new ShapeException("oneHot: number of classes must be positive, got " + classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new ShapeException("oneHot: label " + labels[i] + " at position " + i + " is out of range for " + classes + " classes");
            }
        }
        Tensor out = Tensor.zeros(labels.length, classes);
        float[] od = out.data();
        for (int i = 0; i < labels.length; i++) od[i * classes + labels[i]] = 1f;
        return out;
    }

    /**
     * The {@code k} largest entries of {@code a} along {@code axis}, in descending order; equal values keep
     * the lower index first, and NaN counts as larger than every number (so it is never silently dropped).
     * {@code values} has the shape of {@code a} with that dimension set to k; {@code indices} holds, in the
     * same row-major layout, each value's position along the axis. The gradient of the values goes to the
     * selected positions.
     */
    public static TopK topK(Tensor a, int k, int axis) {
        int[] shape = a.shape();
        int ax = Shape.axis("topK", axis, shape.length);
        int len = shape[ax];
        if (k < 1 || k > len) {
            throw new ShapeException("topK: k = " + k + " must be between 1 and " + len + ", the size of axis " + axis
                    + " of shape " + Shape.str(shape));
        }
        Tensor x = a.contiguous();
        int outer = Shape.prod(shape, 0, ax), inner = Shape.prod(shape, ax + 1, shape.length);
        int[] outShape = shape.clone();
        outShape[ax] = k;
        Tensor values = Tensor.empty(outShape);
        int[] indices = new int[values.size()];
        float[] xd = x.data(), vd = values.data();
        int xo = x.offset();
        int lines = outer * inner;
        Parallel.range(lines, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len)), (lo, hi) -> {
            long[] keys = new long[len];
            for (int line = lo; line < hi; line++) {
                int o = line / inner, in = line % inner;
                int src = xo + o * len * inner + in;
                for (int j = 0; j < len; j++) keys[j] = descendingKey(xd[src + j * inner], j);
                selectSmallest(keys, k);
                int dst = o * k * inner + in;
                for (int j = 0; j < k; j++) {
                    int pos = (int) keys[j];
                    indices[dst + j * inner] = pos;
                    vd[dst + j * inner] = xd[src + pos * inner];
                }
            }
        });
        Tensor recorded = Autograd.record("topK", values, g -> {
            float[] gd = g.contiguous().toArray();
            Tensor full = Tensor.zeros(shape);
            float[] fd = full.data();
            for (int i = 0; i < gd.length; i++) {
                int o = i / (k * inner), in = i % inner;
                fd[(o * len + indices[i]) * inner + in] += gd[i];
            }
            Autograd.accumulate(x, full);
        }, x);
        return new TopK(recorded, indices.clone());
    }

    /**
     * A long whose ascending order is the order "larger value first, then lower index": the value's bits made
     * monotonic (NaN above +Inf; -0 folded into +0 so they tie), negated, in the high word; the index below.
     */
    private static long descendingKey(float v, int index) {
        int bits = Float.floatToIntBits(v == 0f ? 0f : v);
        int ordered = bits < 0 ? bits ^ 0x7fffffff : bits;
        return ((long) ~ordered << 32) | index;
    }

    /** Puts the k smallest keys, sorted, at the front of {@code keys} (a full sort when k is not small). */
    private static void selectSmallest(long[] keys, int k) {
        if (k > 16) {
            Arrays.sort(keys);
            return;
        }
        // Insertion into a sorted prefix of length k: one pass, and most elements fail the first comparison.
        for (int i = 1; i < keys.length; i++) {
            long v = keys[i];
            int last = Math.min(i, k) - 1;
            if (i >= k && v >= keys[last]) continue;
            int j = i < k ? i - 1 : last - 1;
            while (j >= 0 && keys[j] > v) {
                keys[j + 1] = keys[j];
                j--;
            }
            keys[j + 1] = v;
        }
    }

    /**
     * Position of the smallest entry of each row of a 2-D tensor; ties go to the lower index. A NaN in a row
     * wins (its first occurrence is returned, as in NumPy and PyTorch), so broken inputs show instead of
     * being skipped. No gradient.
     */
    public static int[] argminRows(Tensor a) {
        return argRows("argminRows", a, true);
    }

    /** Position of the largest entry of each row of a 2-D tensor; ties and NaN as in {@link #argminRows}. */
    public static int[] argmaxRows(Tensor a) {
        return argRows("argmaxRows", a, false);
    }

    private static int[] argRows(String op, Tensor a, boolean min) {
        if (a.rank() != 2) throw new ShapeException(op + ": needs a 2-D tensor, got shape " + Shape.str(a.shape()));
        int rows = a.dim(0), cols = a.dim(1);
        if (cols == 0) throw new ShapeException(op + ": rows of shape " + Shape.str(a.shape()) + " are empty");
        Tensor x = a.contiguous();
        float[] xd = x.data();
        int xo = x.offset();
        int[] result = new int[rows];
        Parallel.range(rows, Math.max(1, ElementwiseOps.GRAIN / cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) result[r] = min ? argmin(xd, xo + r * cols, cols) : argmax(xd, xo + r * cols, cols);
        });
        return result;
    }

    private static int argmin(float[] d, int off, int n) {
        int best = 0;
        float bv = d[off];
        if (bv != bv) return 0;
        for (int j = 1; j < n; j++) {
            float v = d[off + j];
            if (v < bv) {
                bv = v;
                best = j;
            } else if (v != v) {
                return j;
            }
        }
        return best;
    }

    private static int argmax(float[] d, int off, int n) {
        int best = 0;
        float bv = d[off];
        if (bv != bv) return 0;
        for (int j = 1; j < n; j++) {
            float v = d[off + j];
            if (v > bv) {
                bv = v;
                best = j;
            } else if (v != v) {
                return j;
            }
        }
        return best;
    }
}
