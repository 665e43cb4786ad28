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

    /**
     * The k largest entries along an axis, and where they were.
     *
     * @param values the k largest entries, in descending order along the axis
     * @param indices their positions along the axis, flat in the values' row-major order
     */
    public record TopK(Tensor values, int[] indices) {}

    /**
     * The slices of {@code a} at positions {@code index} along {@code axis}, in that order: the output has
     * the shape of {@code a} with that dimension replaced by {@code index.length}. Indices may repeat (their
     * gradients add up) but may not be negative.
     *
     * @param a the tensor
     * @param axis the axis to select along
     * @param index the positions to take, repeats allowed
     * @return the selected slices
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
     *
     * @param a the tensor
     * @param axis the axis whose positions the index replaces
     * @param index the positions, flat in row-major order
     * @param indexShape the shape of the index array, and of the output
     * @return a tensor of shape indexShape
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

    /**
     * A [labels.length, classes] tensor of zeros with a 1 at (i, labels[i]); constant, no gradient.
     *
     * @param labels the class of each row, each in [0, classes)
     * @param classes the number of columns
     * @return the one-hot matrix
     */
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
     *
     * @param a the tensor
     * @param k how many entries to keep, at most the axis's length
     * @param axis the axis to rank along
     * @return the values and their positions
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
        VectorKernels kv = Kernels.vector();
        Parallel.range(lines, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, len)), (lo, hi) -> {
            SelectScratch scratch = SELECT_SCRATCH.get().ensure(len);
            long[] heap = scratch.keys;
            for (int line = lo; line < hi; line++) {
                int o = line / inner, in = line % inner;
                int src = xo + o * len * inner + in;
                selectLargest(kv, xd, src, inner, len, k, heap, scratch.candidates, scratch.sample);
                int dst = o * k * inner + in;
                for (int j = 0; j < k; j++) {
                    int pos = (int) heap[j];
                    indices[dst + j * inner] = pos;
                    vd[dst + j * inner] = xd[src + pos * inner];
                }
            }
        });
        Tensor recorded = Autograd.record("topK", values, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            // straight into the gradient buffer, each task owning whole slabs of `outer` (the k positions of a
            // line are distinct, so nothing else writes there)
            Autograd.accumulateInto(x, (dst, add) -> {
                float[] fd = dst.data();
                int fo = dst.offset(), slab = len * inner;
                Parallel.range(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, slab)), (lo, hi) -> {
                    for (int o = lo; o < hi; o++) {
                        if (!add) Arrays.fill(fd, fo + o * slab, fo + (o + 1) * slab, 0f);
                        for (int i = o * k * inner, e = (o + 1) * k * inner; i < e; i++) {
                            fd[fo + (o * len + indices[i]) * inner + i % inner] += gd[go + i];
                        }
                    }
                });
            });
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

    /** Values of a line sampled for {@link #selectLargest}'s threshold. */
    private static final int SAMPLE = 256;

    /**
     * {@link #selectLargest}'s buffers, kept per thread: fresh ones for each task (1.7 MB per [256, 4096]
     * top-k) made the op five times slower for seconds at a time on the build machine, whose kernel
     * faulted the new memory in (half the time went to the system).
     */
    private static final class SelectScratch {
        long[] keys = new long[0];
        int[] candidates = new int[0];
        final float[] sample = new float[SAMPLE];

        SelectScratch ensure(int len) {
            if (keys.length < len) {
                keys = new long[len];
                candidates = new int[len];
            }
            return this;
        }
    }

    private static final ThreadLocal<SelectScratch> SELECT_SCRATCH = ThreadLocal.withInitial(SelectScratch::new);

    /**
     * Leaves in keys[0, k), sorted, the keys of the k best of the len values x[src + j * stride] (see
     * {@link #descendingKey}); keys has room for len. The earlier full sort of every line took 1.4 times a
     * 256 x 784 x 4096 product for a [256, 4096] top-32, and a bounded heap over the whole line still a
     * fifth of it (most of that in the k ln(len / k) values that enter the heap on random data, each
     * costing a few mispredicted branches). So, for long lines, a threshold first: t, the value of rank
     * ks = about 2k SAMPLE / len among SAMPLE evenly spaced values, has about 2k of the line's values at
     * or above it; those are found with one vectorised comparison per vector
     * ({@link VectorKernels#positionsNotBelow}), and when there are at least k of them they hold the k best
     * (every one of which is at least the k-th best, hence at least t), so only their keys are sorted.
     * When fewer than k reach t (one line in twenty on Gaussian data) the sample's value of rank 3 ks is
     * tried (about 6k values; fewer than k hardly ever), then the heap over the whole line. The threshold
     * decides only how much work is done, never the result.
     */
    private static void selectLargest(VectorKernels kv, float[] x, int src, int stride, int len, int k, long[] keys, int[] cand,
                                      float[] sample) {
        if (len >= 2 * SAMPLE && 4 * k <= len) {
            int ks = Math.min(SAMPLE / 3, (int) ((2L * k * SAMPLE + len - 1) / len) + 1);
            for (int rank = ks; rank <= 3 * ks; rank += 2 * ks) {
                // a short list is cheaper to keep: the second, longer one is only needed for the rare retry
                sampleLargest(x, src, stride, len, rank, sample);
                float t = sample[rank - 1];
                int m = 0;
                if (t != t) {
                    // at least `rank` NaNs: the candidates are the NaNs (above every number)
                    for (int j = 0; j < len; j++) if (x[src + j * stride] != x[src + j * stride]) cand[m++] = j;
                } else if (stride == 1) {
                    m = kv.positionsNotBelow(x, src, len, t, cand, 0);
                } else {
                    for (int j = 0; j < len; j++) if (!(x[src + j * stride] < t)) cand[m++] = j;
                }
                if (m < k) continue;
                if (m <= 16 * k) {
                    for (int q = 0; q < m; q++) keys[q] = descendingKey(x[src + cand[q] * stride], cand[q]);
                    Arrays.sort(keys, 0, m);
                } else {
                    heapSelect(x, src, stride, cand, m, k, keys); // many ties at t
                }
                return;
            }
        }
        for (int j = 0; j < len; j++) cand[j] = j;
        heapSelect(x, src, stride, cand, len, k, keys);
    }

    /**
     * The n largest (NaN above every number) of SAMPLE evenly spaced values of the line, in descending
     * order, into top[0, n), kept by insertion: only values, so ties need no order.
     */
    private static void sampleLargest(float[] x, int src, int stride, int len, int n, float[] top) {
        int step = len / SAMPLE;
        Arrays.fill(top, 0, n, Float.NEGATIVE_INFINITY);
        for (int q = 0, j = src; q < SAMPLE; q++, j += step * stride) {
            float v = x[j];
            // larger than the smallest kept (a NaN always is, even than a kept NaN: harmless for a threshold)
            if (!(v <= top[n - 1])) {
                int i = n - 1;
                while (i > 0 && !(v <= top[i - 1])) {
                    top[i] = top[i - 1];
                    i--;
                }
                top[i] = v;
            }
        }
    }

    /**
     * The keys of the k best of the values at positions cand[0, m) (ascending) of a line, sorted, into
     * heap[0, k): a bounded max-heap holds the best k so far with the worst at its root; a later value
     * enters only when strictly better than the root's (an equal one has the higher position and loses),
     * which a float comparison decides.
     */
    private static void heapSelect(float[] x, int src, int stride, int[] cand, int m, int k, long[] heap) {
        for (int q = 0; q < k; q++) heap[q] = descendingKey(x[src + cand[q] * stride], cand[q]);
        for (int i = k / 2 - 1; i >= 0; i--) siftDown(heap, i, k);
        float worst = x[src + (int) heap[0] * stride];
        for (int q = k; q < m; q++) {
            int j = cand[q];
            float v = x[src + j * stride];
            // strictly better than the worst kept, in the key's order (NaN above everything, -0 equal to
            // +0): v > worst, or v NaN; one comparison for the common case. When the worst kept is itself
            // NaN nothing later can enter (a later NaN has the higher position).
            if (!(v <= worst)) {
                if (worst != worst) break;
                heap[0] = descendingKey(v, j);
                siftDown(heap, 0, k);
                worst = x[src + (int) heap[0] * stride];
            }
        }
        Arrays.sort(heap, 0, k);
    }

    /** Restores the max-heap order below position i of heap[0, n). */
    private static void siftDown(long[] heap, int i, int n) {
        long v = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && heap[c + 1] > heap[c]) c++;
            if (heap[c] <= v) break;
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
    }

    /**
     * Position of the smallest entry of each row of a 2-D tensor; ties go to the lower index. A NaN in a row
     * wins (its first occurrence is returned, as in NumPy and PyTorch), so broken inputs show instead of
     * being skipped. No gradient.
     *
     * @param a a 2-D tensor
     * @return one column index per row
     */
    public static int[] argminRows(Tensor a) {
        return argRows("argminRows", a, true);
    }

    /**
     * Position of the largest entry of each row of a 2-D tensor; ties and NaN as in {@link #argminRows}.
     *
     * @param a a 2-D tensor
     * @return one column index per row
     */
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
