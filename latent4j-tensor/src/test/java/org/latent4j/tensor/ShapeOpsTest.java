package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.ShapeOps;

class ShapeOpsTest {

    private static Tensor iota(int... shape) {
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void concatJoinsAlongAnyAxis() {
        Tensor a = iota(2, 2), b = Tensor.of(new float[] {10, 11, 12, 13, 14, 15}, 2, 3);
        Tensor c = ShapeOps.concat(1, a, b);
        assertArrayEquals(new int[] {2, 5}, c.shape());
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, c.toArray());
        Tensor r = ShapeOps.concat(0, a, Tensor.vector(7, 8).reshape(1, 2));
        assertArrayEquals(new float[] {0, 1, 2, 3, 7, 8}, r.toArray());
        // axis -1 of a transposed view: the view is read through its strides
        Tensor t = ShapeOps.concat(-1, a.t(), a);
        assertArrayEquals(new float[] {0, 2, 0, 1, 1, 3, 2, 3}, t.toArray());
    }

    @Test
    void concatGradients() {
        assertGradients(x -> ShapeOps.concat(1, x[0], x[1], x[2]), randn(1, 2, 3, 4), randn(2, 2, 1, 4), randn(3, 2, 2, 4));
        assertGradients(x -> ShapeOps.concat(0, x[0].t(), x[1]), randn(4, 3, 2), randn(5, 1, 3));
        // the same tensor twice: both copies' gradients add up
        assertGradients(x -> ShapeOps.concat(-1, x[0], x[0]).mul(x[1]), randn(6, 3, 2), randn(7, 3, 4));
    }

    @Test
    void sliceWithPositiveAndNegativeBounds() {
        Tensor a = iota(3, 4);
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, ShapeOps.slice(a, 1, 1, 3).toArray());
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, ShapeOps.slice(a, -1, -3, -1).toArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, a.slice(0, -1, 3).toArray());
        assertArrayEquals(new int[] {3, 0}, a.slice(1, 2, 2).shape(), "an empty range is allowed");
        Tensor s = iota(2, 3, 4).slice(1, 1, 2);
        assertArrayEquals(new int[] {2, 1, 4}, s.shape());
        assertArrayEquals(new float[] {4, 5, 6, 7, 16, 17, 18, 19}, s.toArray());
        // a transposed view: rows of a.t() are columns of a
        assertArrayEquals(new float[] {2, 6, 10, 3, 7, 11}, a.t().slice(0, 2, 4).toArray());
    }

    @Test
    void sliceGradients() {
        assertGradients(x -> x[0].slice(1, 1, 3), randn(1, 3, 4, 2));
        assertGradients(x -> x[0].slice(0, 0, 1), randn(2, 3, 4));
        assertGradients(x -> x[0].slice(-1, -2, -1), randn(3, 2, 5));
        assertGradients(x -> x[0].t().slice(0, 1, 3), randn(4, 2, 4));
        // overlapping slices of one input add up
        assertGradients(x -> x[0].slice(1, 0, 3).mul(x[0].slice(1, 1, 4)), randn(5, 2, 4));
    }

    @Test
    void sliceGradientLandsInTheSlicedPositionsOnly() {
        Tensor a = iota(2, 3).requiresGrad(true);
        a.slice(1, 1, 2).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0}, a.grad().toArray());
    }

    @Test
    void splitCutsConsecutivePiecesAndTheirGradientsAddUp() {
        Tensor a = iota(2, 5);
        Tensor[] p = ShapeOps.split(a, 1, 2, 0, 3);
        assertEquals(3, p.length);
        assertArrayEquals(new float[] {0, 1, 5, 6}, p[0].toArray());
        assertArrayEquals(new int[] {2, 0}, p[1].shape());
        assertArrayEquals(new float[] {2, 3, 4, 7, 8, 9}, p[2].toArray());

        Tensor x = iota(4).requiresGrad(true);
        Tensor[] q = ShapeOps.split(x, 0, 1, 3);
        // 2 * q0 summed + 3 * q1 summed: each piece's gradient goes to its own positions
        q[0].mul(2f).sum().add(q[1].mul(3f).sum()).backward();
        assertArrayEquals(new float[] {2, 3, 3, 3}, x.grad().toArray());

        // mu/logVar-style split of an encoder output, pieces combined again
        assertGradients(v -> {
            Tensor[] s = ShapeOps.split(v[0], -1, 3, 3);
            return s[0].mul(s[1]).add(s[0]);
        }, randn(1, 4, 6));
        assertGradients(v -> {
            Tensor[] s = ShapeOps.split(v[0].t(), 0, 1, 2, 1);
            return ShapeOps.concat(0, s[2], s[0], s[1], s[0]);
        }, randn(2, 3, 4));
    }

    @Test
    void badArgumentsNameTheOp() {
        Tensor a = Tensor.zeros(2, 3);
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.concat(2, a, a)), "concat", "axis 2");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.concat(1, a, Tensor.zeros(3, 3))), "concat", "[2, 3]", "[3, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.concat(0, a, Tensor.zeros(3))), "concat", "[3]");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.concat(0)), "concat");
        assertMessage(assertThrows(ShapeException.class, () -> a.slice(1, 0, 4)), "slice", "[0, 4)", "[2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> a.slice(1, 2, 1)), "slice", "[2, 1)");
        assertMessage(assertThrows(ShapeException.class, () -> a.slice(0, -3, 1)), "slice", "[-3, 1)");
        assertMessage(assertThrows(ShapeException.class, () -> a.slice(-3, 0, 1)), "slice", "axis -3");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.split(a, 1, 1, 1)), "split", "[1, 1]", "[2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.split(a, 1, 4, -1)), "split", "negative");
        assertMessage(assertThrows(ShapeException.class, () -> ShapeOps.split(a, 5, 1)), "split", "axis 5");
    }
}
