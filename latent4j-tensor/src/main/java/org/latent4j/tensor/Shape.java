package org.latent4j.tensor;

import java.util.Arrays;

/** Static helpers for shapes (int[] dimensions) and row-major strides. Shapes are never mutated. */
public final class Shape {
    private Shape() {}

    /** The shape of a scalar: no dimensions. */
    public static final int[] SCALAR = new int[0];

    /**
     * Number of elements; throws on a negative dimension or an overflow of int.
     *
     * @param shape the dimensions
     * @return their product
     */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new ShapeException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new ShapeException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /**
     * {@return the row-major strides of a contiguous tensor of this shape}
     *
     * @param shape the dimensions
     */
    public static int[] stridesOf(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * {@return the shape as text, e.g. "[2, 3]"}
     *
     * @param shape the dimensions
     */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Resolves a possibly negative axis against a rank, naming the op when it is out of range.
     *
     * @param op the op's name, for the message
     * @param axis the axis, negative counting from the end
     * @param rank the tensor's rank
     * @return the axis in [0, rank)
     */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ShapeException(op + ": axis " + axis + " is out of range for rank " + rank);
        return a;
    }

    /**
     * NumPy broadcasting of two shapes; the exception names the op and both shapes.
     *
     * @param op the op's name, for the message
     * @param a the first shape
     * @param b the second shape
     * @return the broadcast shape
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides of {@code shape} seen as broadcast to {@code target}: 0 on broadcast dimensions.
     *
     * @param shape the shape
     * @param strides its strides
     * @param target the broadcast shape
     * @return strides of target's rank
     */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] s = new int[target.length];
        int shift = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            s[i + shift] = shape[i] == 1 && target[i + shift] != 1 ? 0 : strides[i];
        }
        return s;
    }

    /**
     * The shape with {@code axis} removed (keepDim false) or set to 1 (keepDim true).
     *
     * @param shape the shape
     * @param axis the axis reduced
     * @param keepDim whether the axis stays with length 1
     * @return the reduced shape
     */
    public static int[] reduced(int[] shape, int axis, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[axis] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
        return s;
    }

    /**
     * Product of dimensions [from, to).
     *
     * @param shape the dimensions
     * @param from the first dimension multiplied
     * @param to the dimension after the last
     * @return the product, 1 for an empty range
     */
    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /**
     * {@return the dimensions as an array (for readability at call sites)}
     *
     * @param dims the dimensions
     */
    public static int[] of(int... dims) {
        return dims.clone();
    }
}
