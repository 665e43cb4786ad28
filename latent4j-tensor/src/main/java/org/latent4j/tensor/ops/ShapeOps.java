package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * Joining and cutting tensors along one axis: concat, slice, split.
 *
 * <p>Slices and split pieces are copies, not views: a view with an offset would need a new view factory in
 * {@link Tensor}, and the pieces are small next to the matrix products around them. Seen as
 * [outer, len, inner] around the axis, every piece is {@code outer} contiguous blocks, so each op is a loop
 * of {@link System#arraycopy}.
 */
public final class ShapeOps {
    private ShapeOps() {}

    /**
     * Joins tensors along {@code axis} (negative counts from the end); all other dimensions must agree.
     *
     * @param axis the axis to join along
     * @param parts the tensors, at least one
     * @return the joined tensor
     */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts == null || parts.length == 0) throw new ShapeException("concat: needs at least one tensor");
        int[] first = parts[0].shape();
        int ax = Shape.axis("concat", axis, first.length);
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean fits = s.length == first.length;
            for (int d = 0; fits && d < s.length; d++) fits = d == ax || s[d] == first[d];
            if (!fits) {
                throw new ShapeException("concat: shapes " + shapes(parts) + " differ outside axis " + axis);
            }
            total += s[ax];
        }
        Tensor[] src = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) src[i] = parts[i].contiguous();
        int[] outShape = first.clone();
        outShape[ax] = total;
        int outer = Shape.prod(first, 0, ax), inner = Shape.prod(first, ax + 1, first.length);
        Tensor out = Tensor.empty(outShape);
        int at = 0;
        for (Tensor p : src) {
            int block = p.dim(ax) * inner;
            copyBlocks(p, 0, block, out, at, total * inner, outer, block);
            at += block;
        }
        return Autograd.record("concat", out, g -> {
            Tensor gc = g.contiguous();
            int start = 0;
            for (Tensor p : src) {
                int len = p.dim(ax);
                if (Autograd.wants(p)) Autograd.accumulate(p, copyRange(gc, ax, start, start + len));
                start += len;
            }
        }, src);
    }

    /**
     * Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. Negative indices count
     * from the end as in Python ({@code slice(a, -1, -3, -1)} keeps the two before the last); unlike Python,
     * bounds outside the dimension are an error, not clamped, since they usually mean a wrong shape.
     *
     * @param a the tensor
     * @param axis the axis to slice
     * @param start the first position taken
     * @param end the position after the last one taken
     * @return the slice
     */
    public static Tensor slice(Tensor a, int axis, int start, int end) {
        return slice("slice", a, axis, start, end);
    }

    /**
     * Cuts {@code a} along {@code axis} into consecutive pieces of the given sizes, which must add up to the
     * dimension. Each piece has its own backward; gradients of several pieces add up in {@code a}.
     *
     * @param a the tensor
     * @param axis the axis to cut
     * @param sizes the length of each piece
     * @return the pieces, in order
     */
    public static Tensor[] split(Tensor a, int axis, int... sizes) {
        int[] shape = a.shape();
        int ax = Shape.axis("split", axis, shape.length);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new ShapeException("split: negative size in " + Arrays.toString(sizes));
            sum += s;
        }
        if (sum != shape[ax]) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum + " but axis " + axis
                    + " of shape " + Shape.str(shape) + " has " + shape[ax]);
        }
        Tensor x = a.contiguous();
        Tensor[] pieces = new Tensor[sizes.length];
        for (int i = 0, at = 0; i < sizes.length; at += sizes[i], i++) pieces[i] = slice("split", x, ax, at, at + sizes[i]);
        return pieces;
    }

    private static Tensor slice(String op, Tensor a, int axis, int start, int end) {
        int[] shape = a.shape();
        int ax = Shape.axis(op, axis, shape.length);
        int len = shape[ax];
        int s = start < 0 ? start + len : start;
        int e = end < 0 ? end + len : end;
        if (s < 0 || e > len || s > e) {
            throw new ShapeException(op + ": range [" + start + ", " + end + ") is out of bounds for axis " + axis
                    + " of shape " + Shape.str(shape));
        }
        Tensor x = a.contiguous();
        Tensor out = copyRange(x, ax, s, e);
        return Autograd.record(op, out, g -> {
            Tensor full = Tensor.zeros(shape);
            int inner = Shape.prod(shape, ax + 1, shape.length);
            int block = (e - s) * inner;
            copyBlocks(g.contiguous(), 0, block, full, s * inner, len * inner, Shape.prod(shape, 0, ax), block);
            Autograd.accumulate(x, full);
        }, x);
    }

    /** A new contiguous tensor holding indices [s, e) of the contiguous tensor {@code x} along {@code ax}. */
    private static Tensor copyRange(Tensor x, int ax, int s, int e) {
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        outShape[ax] = e - s;
        int inner = Shape.prod(shape, ax + 1, shape.length);
        Tensor out = Tensor.empty(outShape);
        int block = (e - s) * inner;
        copyBlocks(x, s * inner, shape[ax] * inner, out, 0, block, Shape.prod(shape, 0, ax), block);
        return out;
    }

    /**
     * Copies {@code outer} blocks of {@code block} floats: block o goes from {@code src} at srcAt + o * srcStride
     * to {@code dst} at dstAt + o * dstStride (positions relative to each tensor's offset).
     */
    private static void copyBlocks(Tensor src, int srcAt, int srcStride, Tensor dst, int dstAt, int dstStride, int outer, int block) {
        float[] sd = src.data(), dd = dst.data();
        int sp = src.offset() + srcAt, dp = dst.offset() + dstAt;
        for (int o = 0; o < outer; o++, sp += srcStride, dp += dstStride) System.arraycopy(sd, sp, dd, dp, block);
    }

    private static String shapes(Tensor[] parts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) sb.append(i == 0 ? "" : ", ").append(Shape.str(parts[i].shape()));
        return sb.toString();
    }
}
