package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.ElementwiseOps;

class ElementwiseOpsTest {

    /** Small relative FD steps for inputs near 0, where the default step (relative to max(|x|, 1)) would cross into x <= 0. */
    static final GradCheck.Settings FINE_STEP = GradCheck.Settings.DEFAULT.withStep(1e-6);

    @Test
    void mathGradients() {
        assertGradients(x -> x[0].exp(), randn(1, 3, 4));
        assertGradients(x -> x[0].log(), uniform(2, 0.2f, 3f, 5, 3));
        assertGradients(x -> x[0].log1p(), uniform(3, -0.5f, 3f, 4, 4));
        assertGradients(x -> x[0].sqrt(), uniform(4, 0.3f, 3f, 2, 7));
        assertGradients(x -> x[0].square(), randn(5, 3, 3));
        assertGradients(x -> x[0].abs(), randn(6, 2, 5));
        assertGradients(x -> x[0].pow(3f), randn(7, 6));
        assertGradients(x -> x[0].pow(2.5f), uniform(8, 0.2f, 2f, 6));
        assertGradients(x -> x[0].pow(-1.5f), uniform(9, 0.5f, 2f, 6));
        assertGradients(x -> x[0].pow(2f), randn(10, 6));
        assertGradients(x -> x[0].pow(0.5f), uniform(11, 0.5f, 2f, 6));
        assertGradients(x -> x[0].pow(1f), randn(12, 6));
    }

    @Test
    void reciprocalPowersAreCorrectlyRoundedAndDifferentiable() {
        // x^-1 and x^-2 take a division instead of Math.pow: the value is the double result rounded once
        Tensor x = uniform(13, -40f, 40f, 999);
        Tensor extreme = Tensor.vector(1e-20f, -3e-20f, 1e20f, Float.MIN_VALUE, 7f, -0f, 0f);
        for (Tensor t : new Tensor[] {x, extreme}) {
            float[] v = t.toArray(), inv = t.pow(-1f).toArray(), inv2 = t.pow(-2f).toArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals((float) (1.0 / v[i]), inv[i], 0f, "x^-1 at " + v[i]);
                assertEquals((float) Math.pow(v[i], -2.0), inv2[i], 0f, "x^-2 at " + v[i]); // 1e-20^-2 = 1e40: +inf in float
            }
        }
        assertGradients(a -> a[0].pow(-1f), uniform(14, 0.5f, 3f, 7));
        assertGradients(a -> a[0].pow(-1f), uniform(15, -3f, -0.5f, 7));
        assertGradients(a -> a[0].pow(-2f), uniform(16, 0.5f, 3f, 7));
    }

    @Test
    void mathGradientsWithBroadcastingAndNonContiguousInputs() {
        // the op's output meets a broadcast partner, and a transposed view feeds each op
        assertGradients(x -> x[0].t().exp().mul(x[1]), randn(1, 4, 3), randn(2, 1, 4));
        assertGradients(x -> x[0].t().log().sub(x[1]), uniform(3, 0.5f, 2f, 3, 2), randn(4, 3));
        assertGradients(x -> x[1].div(x[0].t().sqrt()), uniform(5, 0.5f, 2f, 5, 2), randn(6, 2, 1));
        assertGradients(x -> x[0].expand(3, 4).abs().mul(x[1]), randn(7, 1, 4), randn(8, 3, 4));
    }

    @Test
    void gradientsAtTinyPositiveInputs() {
        assertGradients(FINE_STEP, x -> x[0].log(), uniform(1, 1e-3f, 1e-2f, 8));
        assertGradients(FINE_STEP, x -> x[0].sqrt(), uniform(2, 1e-3f, 1e-2f, 8));
        assertGradients(FINE_STEP, x -> x[0].log1p(), uniform(3, -0.999f, -0.99f, 8));
        Tensor tiny = Tensor.vector(1e-30f, 1e-38f, 1e-44f, Float.MIN_VALUE);
        float[] logs = tiny.log().toArray(), roots = tiny.sqrt().toArray();
        for (int i = 0; i < 4; i++) {
            float x = tiny.toArray()[i];
            assertEquals(Math.log(x), logs[i], 2 * Math.ulp((float) Math.log(x)), "log " + x);
            assertEquals((float) Math.sqrt(x), roots[i], 0f, "sqrt is correctly rounded " + x);
        }
    }

    @Test
    void valuesMatchDoublePrecisionFormulas() {
        Tensor x = uniform(1, -5f, 5f, 1000);
        Tensor p = uniform(2, 1e-3f, 50f, 1000);
        float[] xv = x.toArray(), pv = p.toArray();
        float[] exp = x.exp().toArray(), abs = x.abs().toArray(), sq = x.square().toArray(), cube = x.pow(3f).toArray();
        float[] log = p.log().toArray(), log1p = x.clamp(-0.9f, 5f).log1p().toArray(), sqrt = p.sqrt().toArray();
        float[] pw = p.pow(-0.7f).toArray(), clamp = x.clamp(-1f, 2f).toArray();
        for (int i = 0; i < 1000; i++) {
            double xi = xv[i], pi = pv[i];
            // exp/log/log1p: vector polynomials within 2.2 ulp (KernelAccuracyTest); 3e-7 relative is ~2.5 ulp
            assertEquals(Math.exp(xi), exp[i], 3e-7 * Math.exp(xi), "exp");
            assertEquals(Math.log(pi), log[i], 3e-7 * Math.abs(Math.log(pi)) + 1e-12, "log");
            double c = Math.min(Math.max(xi, -0.9), 5);
            assertEquals(Math.log1p(c), log1p[i], 3e-7 * Math.abs(Math.log1p(c)), "log1p");
            // the rest are single IEEE operations or Math.pow rounded once: exact
            assertEquals((float) Math.abs(xi), abs[i], 0f);
            assertEquals((float) (xi * xi), sq[i], 0f);
            assertEquals((float) Math.pow(xi, 3), cube[i], 0f);
            assertEquals((float) Math.sqrt(pi), sqrt[i], 0f);
            assertEquals((float) Math.pow(pi, -0.7f), pw[i], 0f);
            assertEquals((float) Math.min(Math.max(xi, -1), 2), clamp[i], 0f);
        }
        float[] special = Tensor.vector(0f, -1f, Float.POSITIVE_INFINITY, Float.NaN).log().toArray();
        assertEquals(Float.NEGATIVE_INFINITY, special[0]);
        assertTrue(Float.isNaN(special[1]));
        assertEquals(Float.POSITIVE_INFINITY, special[2]);
        assertTrue(Float.isNaN(special[3]));
        assertEquals(Float.POSITIVE_INFINITY, Tensor.vector(100f).exp().item());
        assertEquals(0f, Tensor.vector(-200f).exp().item());
        assertEquals(1e-30f, Tensor.vector(1e-30f).log1p().item(), 0f, "log1p keeps tiny values");
    }

    @Test
    void clampPassesGradientInsideOnlyAndRejectsInvertedBounds() {
        Tensor x = Tensor.vector(-2f, -0.5f, 0f, 0.5f, 0.7f, 3f).requiresGrad(true);
        x.clamp(-0.5f, 0.5f).sum().backward();
        assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0}, x.grad().toArray());
        // away from the bounds, finite differences agree
        Tensor y = Tensor.vector(-0.9f, -0.3f, 0.1f, 0.4f, 0.8f, 1.5f).requiresGrad(true);
        assertGradients(t -> t[0].clamp(-0.5f, 0.5f), y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.clamp(1f, -1f));
        assertTrue(e.getMessage().contains("clamp"), e.getMessage());
    }

    @Test
    void absGradientIsTheSignAndZeroAtZero() {
        Tensor x = Tensor.vector(-2f, 0f, 3f).requiresGrad(true);
        x.abs().sum().backward();
        assertArrayEquals(new float[] {-1, 0, 1}, x.grad().toArray());
    }

    @Test
    void whereSelectsAndRoutesGradients() {
        Tensor mask = Tensor.of(new float[] {1, 0, 0}, 3, 1);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12}, 3, 4).requiresGrad(true);
        Tensor out = ElementwiseOps.where(mask, a, b);
        assertArrayEquals(new int[] {3, 4}, out.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, -5, -6, -7, -8, -9, -10, -11, -12}, out.toArray());
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, a.grad().toArray(), "a's row is used once");
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, b.grad().toArray());
        SplittableRandom r = new SplittableRandom(3);
        float[] m = new float[24];
        for (int i = 0; i < m.length; i++) m[i] = r.nextBoolean() ? 1f : 0f;
        Tensor maskT = Tensor.of(m, 2, 3, 4);
        assertGradients(x -> ElementwiseOps.where(maskT, x[0], x[1]), randn(4, 3, 1), randn(5, 2, 1, 4));
        assertGradients(x -> ElementwiseOps.where(maskT, x[0].exp(), x[0].mul(x[1])), randn(6, 2, 3, 4), randn(7, 4));
    }

    @Test
    void whereOfAComparisonMask() {
        Tensor x = randn(1, 4, 5);
        Tensor mask = ElementwiseOps.greater(x, Tensor.scalar(0f));
        assertFalse(mask.requiresGrad(), "a comparison has no gradient");
        float[] xv = x.toArray(), mv = mask.toArray();
        for (int i = 0; i < xv.length; i++) assertEquals(xv[i] > 0 ? 1f : 0f, mv[i]);
        // where(x > 0, x, 0.1 x) is leaky relu
        Tensor y = ElementwiseOps.where(mask, x, x.mul(0.1f));
        assertArrayEquals(x.leakyRelu(0.1f).toArray(), y.toArray());
        assertGradients(t -> ElementwiseOps.where(ElementwiseOps.greater(t[0], t[1]), t[0], t[1]), randn(2, 3, 4), randn(3, 4));
        assertArrayEquals(new float[] {0, 1, 0}, ElementwiseOps.greater(Tensor.vector(Float.NaN, 2f, 1f), Tensor.vector(1f, 1f, Float.NaN)).toArray());
    }

    @Test
    void whereNamesAllThreeShapesOnMismatch() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> ElementwiseOps.where(Tensor.zeros(2, 3), Tensor.zeros(3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("where") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    /** Plain float loops over multi-indices: the same single IEEE operation per element, so results must be bit-identical. */
    static float[] naiveBroadcast(Tensor a, Tensor b, int[] out, char op) {
        int n = Shape.size(out);
        float[] r = new float[n];
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            int rem = i;
            for (int d = out.length - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            float x = a.get(project(idx, a.shape())), y = b.get(project(idx, b.shape()));
            r[i] = switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                default -> x / y;
            };
        }
        return r;
    }

    static int[] project(int[] idx, int[] shape) {
        int[] p = new int[shape.length];
        for (int d = 0; d < shape.length; d++) p[d] = shape[d] == 1 ? 0 : idx[idx.length - shape.length + d];
        return p;
    }

    @Test
    void broadcastingArithmeticMatchesNaiveLoopsBitForBit() {
        int[][][] pairs = {
            {{2, 3, 4}, {4}}, {{4}, {2, 3, 4}}, {{2, 3, 1}, {2, 1, 4}}, {{3, 1}, {3, 5}}, {{3, 5}, {3, 1}},
            {{}, {2, 3}}, {{2, 3}, {}}, {{5, 1, 1}, {5, 3, 4}}, {{1, 3, 4}, {2, 1, 1}}, {{2, 1, 40}, {2, 50, 40}},
            {{1}, {1}}, {{7, 1}, {1, 9}},
        };
        long seed = 1;
        for (int[][] pr : pairs) {
            Tensor a = uniform(seed++, 0.5f, 2f, pr[0]), b = uniform(seed++, 0.5f, 2f, pr[1]);
            int[] out = Shape.broadcast("test", pr[0], pr[1]);
            String where = Shape.str(pr[0]) + " op " + Shape.str(pr[1]);
            assertArrayEquals(naiveBroadcast(a, b, out, '+'), a.add(b).toArray(), "add " + where);
            assertArrayEquals(naiveBroadcast(a, b, out, '-'), a.sub(b).toArray(), "sub " + where);
            assertArrayEquals(naiveBroadcast(a, b, out, '*'), a.mul(b).toArray(), "mul " + where);
            assertArrayEquals(naiveBroadcast(a, b, out, '/'), a.div(b).toArray(), "div " + where);
        }
        // non-contiguous operands: a transposed view and an expanded view
        Tensor at = uniform(50, 0.5f, 2f, 4, 3).t(), be = uniform(51, 0.5f, 2f, 1, 4).expand(3, 4);
        assertArrayEquals(naiveBroadcast(at, be, new int[] {3, 4}, '-'), at.sub(be).toArray());
        assertArrayEquals(naiveBroadcast(be, at, new int[] {3, 4}, '/'), be.div(at).toArray());
        Tensor col = uniform(52, 0.5f, 2f, 1, 3).t(); // [3, 1] with strides that are not the row-major ones
        assertArrayEquals(naiveBroadcast(col, at, new int[] {3, 4}, '*'), col.mul(at).toArray());
    }
}
