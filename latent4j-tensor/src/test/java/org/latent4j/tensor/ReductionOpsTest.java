package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import org.junit.jupiter.api.Test;

class ReductionOpsTest {

    /**
     * Distinct values 0.1 apart in random order: the finite-difference steps (up to 2 * 2^-8) never reorder
     * them, so max is differentiable at every probed point.
     */
    static Tensor distinct(long seed, int... shape) {
        int n = Shape.size(shape);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.1f * i - 0.05f * n;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    @Test
    void gradientsOnTheLastAxis() {
        assertGradients(x -> x[0].max(-1, false), distinct(1, 4, 7));
        assertGradients(x -> x[0].max(1, true), distinct(2, 3, 5));
        assertGradients(x -> x[0].logSumExp(-1, false), randn(3, 4, 6));
        assertGradients(x -> x[0].logSumExp(-1, true), randn(4, 2, 3, 5));
        assertGradients(x -> x[0].softmax(-1), randn(5, 4, 6));
        assertGradients(x -> x[0].logSoftmax(-1), randn(6, 4, 6));
    }

    @Test
    void gradientsOnOtherAxesAndViews() {
        assertGradients(x -> x[0].max(0, false), distinct(1, 4, 3, 2));
        assertGradients(x -> x[0].max(1, true), distinct(2, 4, 3, 2));
        assertGradients(x -> x[0].logSumExp(0, false), randn(3, 3, 5));
        assertGradients(x -> x[0].logSumExp(1, true), randn(4, 2, 3, 4));
        assertGradients(x -> x[0].softmax(0), randn(5, 3, 4));
        assertGradients(x -> x[0].logSoftmax(1), randn(6, 2, 3, 4));
        assertGradients(x -> x[0].t().softmax(-1).mul(x[1]), randn(7, 5, 3), randn(8, 5));
        assertGradients(x -> x[0].add(x[1]).logSumExp(-1, false), randn(9, 3, 4), randn(10, 4));
    }

    @Test
    void gradientsAtExtremeInputs() {
        // logits spread over +-50: exp of the unshifted values would overflow or vanish
        assertGradients(x -> x[0].logSumExp(-1, false), uniform(1, -50f, 50f, 3, 6));
        assertGradients(x -> x[0].softmax(-1), uniform(2, -50f, 50f, 3, 6));
        assertGradients(x -> x[0].logSoftmax(-1), uniform(3, -50f, 50f, 3, 6));
        assertGradients(x -> x[0].logSoftmax(0), uniform(4, 950f, 1050f, 4, 3));
    }

    /**
     * A sum over a leading axis is split into column ranges across tasks; every element must still be the
     * plain float sum of its column in order (the same bits as a sequential loop), on one thread and two,
     * with ragged column ranges and an outer axis.
     */
    @Test
    void sumsOverLeadingAxesAddEachColumnInOrder() {
        for (int[] shape : new int[][] {{1000, 784}, {257, 1000}, {3, 300, 130}}) {
            Tensor x = randn(7, shape);
            int outer = shape.length == 3 ? shape[0] : 1, len = shape[shape.length - 2], inner = shape[shape.length - 1];
            float[] expected = new float[outer * inner], xd = x.toArray();
            for (int o = 0; o < outer; o++) {
                for (int c = 0; c < inner; c++) {
                    float acc = 0f;
                    for (int r = 0; r < len; r++) acc += xd[(o * len + r) * inner + c];
                    expected[o * inner + c] = acc;
                }
            }
            for (int threads : new int[] {1, 2}) {
                int saved = org.latent4j.tensor.parallel.Parallel.threads();
                org.latent4j.tensor.parallel.Parallel.setThreads(threads);
                try {
                    assertArrayEquals(expected, x.sum(shape.length - 2, false).toArray(), java.util.Arrays.toString(shape) + ", " + threads + " thread(s)");
                } finally {
                    org.latent4j.tensor.parallel.Parallel.setThreads(saved);
                }
            }
        }
    }

    @Test
    void maxSendsTheGradientToTheFirstMaximum() {
        Tensor x = Tensor.of(new float[] {3, 5, 5, 1, 2, 2, 2, 2}, 2, 4).requiresGrad(true);
        Tensor m = x.max(-1, false);
        assertArrayEquals(new float[] {5, 2}, m.toArray());
        m.sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0}, x.grad().toArray());
        Tensor y = Tensor.of(new float[] {1, 7, 7, 2, 0, 9}, 3, 2).requiresGrad(true);
        y.max(0, true).sum().backward();
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1}, y.grad().toArray());
        assertTrue(Float.isNaN(Tensor.vector(1f, Float.NaN, 3f).max(0, false).item()), "NaN propagates");
        assertEquals(Float.NEGATIVE_INFINITY, Tensor.vector(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY).max(0, false).item());
    }

    @Test
    void logSumExpKnownValues() {
        assertEquals((float) (1000 + Math.log(2)), Tensor.vector(1000f, 1000f).logSumExp(0, false).item());
        assertEquals((float) (-1000 + Math.log(2)), Tensor.vector(-1000f, -1000f).logSumExp(0, false).item());
        assertEquals(Float.NEGATIVE_INFINITY, Tensor.vector(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY).logSumExp(0, false).item());
        assertEquals(Float.POSITIVE_INFINITY, Tensor.vector(Float.POSITIVE_INFINITY, 0f).logSumExp(0, false).item());
        assertEquals(5f, Tensor.vector(5f, Float.NEGATIVE_INFINITY).logSumExp(0, false).item());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, Tensor.vector(1000f, 1000f, Float.NEGATIVE_INFINITY).softmax(0).toArray());
        assertArrayEquals(new float[] {1f, 0f}, Tensor.vector(0f, -200f).softmax(0).toArray());
        float[] ls = Tensor.vector(1000f, 0f).logSoftmax(0).toArray();
        assertEquals(0f, ls[0]);
        assertEquals(-1000f, ls[1]);
    }

    /** Reference along any axis of a [a, b, c] tensor in double. */
    static double[] reference(float[] x, int[] s, int axis, String what) {
        int n = x.length;
        double[] out = new double[n];
        int stride = axis == 2 ? 1 : axis == 1 ? s[2] : s[1] * s[2];
        for (int i = 0; i < n; i++) {
            int pos = (i / stride) % s[axis];
            int base = i - pos * stride;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < s[axis]; j++) m = Math.max(m, x[base + j * stride]);
            double sum = 0;
            for (int j = 0; j < s[axis]; j++) sum += Math.exp(x[base + j * stride] - m);
            out[i] = switch (what) {
                case "max" -> m;
                case "lse" -> m + Math.log(sum);
                case "softmax" -> Math.exp(x[i] - m) / sum;
                default -> x[i] - m - Math.log(sum);
            };
        }
        return out;
    }

    /**
     * logSoftmax, softmax and logSumExp take the scalar kernels on rows shorter than ReductionOps.SHORT_ROW (a
     * categorical latent's 10 categories, VIMCO's k = 5 samples) and the vector ones on longer rows: both agree with
     * the double reference, forward and backward, along the last axis and (logSumExp, as VIMCO's bound reduces its
     * [k, batch] log weights) along the first.
     */
    @Test
    void rowWiseOpsOnShortAndLongRowsMatchDoubleReference() {
        for (int len : new int[] {3, 5, 10, 15, 16, 17, 40}) {
            int[] s = {2, 3, len};
            Tensor t = uniform(len, -20f, 20f, s);
            float[] x = t.toArray();
            double[] ls = reference(x, s, 2, "logsoftmax"), sm = reference(x, s, 2, "softmax"), lse = reference(x, s, 2, "lse");
            float[] got = t.logSoftmax(-1).toArray(), gotSm = t.softmax(-1).toArray(), gotLse = t.logSumExp(-1, true).expand(s).toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(ls[i], got[i], 4e-6 * Math.max(1, Math.abs(ls[i])), "logSoftmax, rows of " + len);
                assertEquals(sm[i], gotSm[i], 1e-6 * sm[i] + 1e-12, "softmax, rows of " + len);
                assertEquals(lse[i], gotLse[i], 4e-6 * Math.max(1, Math.abs(lse[i])), "logSumExp, rows of " + len);
            }
            int[] first = {len, 3, 4};
            Tensor f = uniform(len + 1, -20f, 20f, first);
            double[] lse0 = reference(f.toArray(), first, 0, "lse");
            float[] got0 = f.logSumExp(0, true).expand(first).toArray();
            for (int i = 0; i < got0.length; i++) assertEquals(lse0[i], got0[i], 4e-6 * Math.max(1, Math.abs(lse0[i])), "logSumExp(0) of " + len);
            assertGradients(a -> a[0].logSoftmax(-1), randn(len, 2, len));
            assertGradients(a -> a[0].softmax(-1).mul(a[1]), randn(len, 2, len), randn(len + 2, 2, len));
            assertGradients(a -> a[0].logSumExp(0, false), randn(len, len, 3));
        }
    }

    @Test
    void valuesAlongEveryAxisMatchDoubleReference() {
        int[] s = {3, 4, 5};
        Tensor t = uniform(1, -20f, 20f, s);
        float[] x = t.toArray();
        for (int axis = 0; axis < 3; axis++) {
            double[] sm = reference(x, s, axis, "softmax"), ls = reference(x, s, axis, "logsoftmax");
            double[] lse = reference(x, s, axis, "lse"), mx = reference(x, s, axis, "max");
            float[] smv = t.softmax(axis).toArray(), lsv = t.logSoftmax(axis).toArray();
            float[] lsev = t.logSumExp(axis, true).expand(s).toArray(), mxv = t.max(axis, true).expand(s).toArray();
            for (int i = 0; i < x.length; i++) {
                // a few float roundings on values of order 1..20 (exp within 1 ulp, the row sum of <= 5 terms)
                assertEquals(sm[i], smv[i], 1e-6 * sm[i] + 1e-12, "softmax axis " + axis);
                assertEquals(ls[i], lsv[i], 4e-6 * Math.max(1, Math.abs(ls[i])), "logSoftmax axis " + axis);
                assertEquals(lse[i], lsev[i], 4e-6 * Math.max(1, Math.abs(lse[i])), "logSumExp axis " + axis);
                assertEquals(mx[i], mxv[i], 0, "max axis " + axis);
            }
            assertArrayEquals(Shape.reduced(s, axis, false), t.logSumExp(axis, false).shape());
            assertArrayEquals(Shape.reduced(s, axis, false), t.max(axis, false).shape());
        }
        float[] rows = t.softmax(-1).sum(-1, false).toArray();
        for (float r : rows) assertEquals(1f, r, 1e-6f, "softmax rows sum to 1");
    }

    @Test
    void badAxesNameTheOp() {
        Tensor t = Tensor.zeros(2, 3);
        ShapeException e = assertThrows(ShapeException.class, () -> t.softmax(2));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
        ShapeException empty = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 0).logSumExp(-1, false));
        assertTrue(empty.getMessage().contains("logSumExp") && empty.getMessage().contains("[2, 0]"), empty.getMessage());
        assertThrows(ShapeException.class, () -> t.max(-3, false));
    }
}
