package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void broadcastingArithmeticGradients() {
        assertGradients(x -> x[0].add(x[1]), randn(1, 3, 4), randn(2, 4));
        assertGradients(x -> x[0].sub(x[1]), randn(3, 2, 3, 4), randn(4, 3, 1));
        assertGradients(x -> x[0].mul(x[1]), randn(5, 3, 4), randn(6, 3, 1));
        assertGradients(x -> x[0].div(x[1]), randn(7, 2, 5), uniform(8, 0.5f, 2f, 1, 5));
        assertGradients(x -> x[0].mul(x[1]), randn(9, 1, 4), randn(10, 3, 1));
        assertGradients(x -> x[0].mul(3f).add(2f).neg(), randn(11, 5));
    }

    @Test
    void sumAndMeanGradients() {
        assertGradients(x -> x[0].sum(), randn(1, 3, 4));
        assertGradients(x -> x[0].sum(1, false), randn(2, 3, 4, 5));
        assertGradients(x -> x[0].sum(-1, true), randn(3, 3, 4));
        assertGradients(x -> x[0].mean(0, false), randn(4, 6, 2));
        assertGradients(x -> x[0].mean(), randn(5, 7));
    }

    @Test
    void gradientAccumulatesWhenATensorIsUsedTwice() {
        Tensor x = Tensor.vector(2f, -3f).requiresGrad(true);
        // y = x*x + x  -> dy/dx = 2x + 1
        x.mul(x).add(x).sum().backward();
        assertArrayEquals(new float[] {5f, -5f}, x.grad().toArray());
        // a second backward accumulates into the same buffer
        x.mul(x).add(x).sum().backward();
        assertArrayEquals(new float[] {10f, -10f}, x.grad().toArray());
        x.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, x.grad().toArray());
    }

    /**
     * An intermediate may take over the gradient buffer its consumer hands down (Autograd's handoff) rather
     * than copy it. The hazards: the same buffer reaching two inputs, a later contribution added into the
     * adopted buffer, and the caller's seed. Each case against its hand-computed gradient.
     */
    @Test
    void handedDownGradientsAreAdoptedWithoutAliasing() {
        // u feeds the add directly and through v = 3u: u's gradient is seed + 3 seed, added into whatever
        // u adopted first; the seed itself must come out unchanged
        Tensor x = Tensor.vector(1f, 2f, 3f).requiresGrad(true);
        Tensor u = x.mul(2f);
        Tensor seed = Tensor.vector(1f, 10f, 100f);
        u.add(u.mul(3f)).backward(seed);
        assertArrayEquals(new float[] {8f, 80f, 800f}, x.grad().toArray(), "d/dx of 2x + 6x");
        assertArrayEquals(new float[] {1f, 10f, 100f}, seed.toArray(), "the seed is the caller's");

        // a + b where both come from one tensor through reshapes: one handed-down buffer, two inputs
        Tensor y = Tensor.vector(1f, -1f, 2f, 5f).requiresGrad(true);
        Tensor h = y.mul(1f);
        Tensor a = h.reshape(2, 2), b = h.reshape(2, 2).mul(h.reshape(2, 2));
        a.add(b).sum().backward();
        assertArrayEquals(new float[] {3f, -1f, 5f, 11f}, y.grad().toArray(), "d/dy of y + y^2");

        // a tensor added to itself: the handed-down buffer reaches the same input twice
        Tensor w = Tensor.vector(4f, 5f).requiresGrad(true);
        Tensor t = w.mul(1f);
        t.add(t).mul(Tensor.vector(1f, 2f)).sum().backward();
        assertArrayEquals(new float[] {2f, 4f}, w.grad().toArray(), "d/dw of 2w * (1, 2)");

        // a broadcast add hands its buffer to the full-shape input and a fresh sum to the bias
        Tensor m = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3).requiresGrad(true);
        Tensor bias = Tensor.vector(0f, 0f, 0f).requiresGrad(true);
        Tensor hm = m.mul(1f);
        hm.add(bias).add(hm).mul(2f).sum().backward();
        assertArrayEquals(new float[] {4f, 4f, 4f, 4f, 4f, 4f}, m.grad().toArray());
        assertArrayEquals(new float[] {4f, 4f, 4f}, bias.grad().toArray());
    }

    /**
     * Matrix products write their gradients straight into the buffers (overwriting after zeroGrad, adding
     * otherwise): the buffer a stale gradient sits in must never leak into the next one.
     */
    @Test
    void matmulGradientsOverwriteAfterZeroGradAndAccumulateOtherwise() {
        Tensor x = randn(1, 5, 7).requiresGrad(true), w = randn(2, 7, 3).requiresGrad(true);
        x.matmul(w).tanh().sum().backward();
        float[] gx = x.grad().toArray(), gw = w.grad().toArray();
        Tensor wBuffer = w.grad();
        // a second pass without zeroGrad adds; with zeroGrad it starts again, in the same buffer
        x.matmul(w).tanh().sum().backward();
        assertClose(scaled(gw, 2), w.grad().toArray(), 1e-6);
        assertClose(scaled(gx, 2), x.grad().toArray(), 1e-6);
        x.zeroGrad();
        w.zeroGrad();
        x.matmul(w).tanh().sum().backward();
        assertArrayEquals(gw, w.grad().toArray());
        assertArrayEquals(gx, x.grad().toArray());
        assertSame(wBuffer, w.grad());
        // zeroGrad, then a pass that does not reach w: w's gradient reads as zeros
        w.zeroGrad();
        x.sum().backward();
        assertArrayEquals(new float[21], w.grad().toArray());
        // used twice in one product (x x^T): both contributions land
        Tensor s = randn(3, 4, 4).requiresGrad(true);
        s.matmul(s).sum().backward();
        float[] twice = s.grad().toArray();
        s.zeroGrad();
        s.matmul(s.detach()).sum().backward();
        float[] left = s.grad().toArray();
        s.zeroGrad();
        s.detach().matmul(s).sum().backward();
        float[] right = s.grad().toArray(), expected = new float[left.length];
        for (int i = 0; i < left.length; i++) expected[i] = left[i] + right[i];
        assertClose(expected, twice, 1e-5);
    }

    private static float[] scaled(float[] a, float f) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] *= f;
        return r;
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = randn(1, 3);
        Tensor y;
        try (var ng = GradMode.disabled()) {
            y = x.mul(x);
        }
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertTrue(x.mul(x).requiresGrad());
    }

    @Test
    void detachStopsTheGradient() {
        Tensor x = Tensor.vector(3f).requiresGrad(true);
        // y = x * stopgrad(x): dy/dx = stopgrad(x) = 3, not 2x = 6
        x.mul(x.detach()).sum().backward();
        assertEquals(3f, x.grad().item());
    }

    @Test
    void shapeErrorsNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        ShapeException e = assertThrows(ShapeException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        ShapeException m = assertThrows(ShapeException.class, () -> a.matmul(Tensor.zeros(2, 3)));
        assertTrue(m.getMessage().contains("matmul") && m.getMessage().contains("[2, 3]"), m.getMessage());
    }

    @Test
    void viewsShareStorage() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = a.t();
        assertSame(a.data(), t.data());
        assertEquals(4f, t.get(0, 1));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toArray());
        Tensor r = a.reshape(3, -1);
        assertSame(a.data(), r.data());
        assertArrayEquals(new int[] {3, 2}, r.shape());
        assertThrows(ShapeException.class, () -> a.reshape(4, -1));
        assertGradients(x -> x[0].t().reshape(6).mul(x[1]), randn(1, 2, 3), randn(2, 6));
        assertGradients(x -> x[0].expand(4, 2, 3).mul(x[1]), randn(3, 1, 3), randn(4, 4, 2, 3));
    }

    @Test
    void workspaceReusesBuffersAndInvalidatesItsTensors() {
        Workspace ws = new Workspace();
        Tensor p = randn(1, 64);
        Tensor escaped;
        try (var s = ws.open()) {
            Tensor y = p.mul(p);
            escaped = y;
            y.sum().backward();
        }
        assertThrows(IllegalStateException.class, escaped::data);
        assertNotNull(p.grad(), "gradients of leaves outlive the scope");
        long afterFirst = ws.freshAllocations();
        assertTrue(afterFirst > 0);
        for (int step = 0; step < 3; step++) {
            try (var s = ws.open()) {
                p.mul(p).sum().backward();
            }
        }
        assertEquals(afterFirst, ws.freshAllocations(), "later steps reuse the first step's buffers");
    }

    /**
     * Shapes that follow the data (an auxiliary loss over however many latents are dead) request a new length in
     * almost every step: the pool drops the lengths no scope has asked for lately, while the lengths every step uses
     * keep their buffers.
     */
    @Test
    void workspaceForgetsLengthsNoScopeAsksForAnyMore() {
        Workspace ws = new Workspace();
        Tensor p = randn(1, 64);
        long[] fresh = new long[400];
        for (int step = 0; step < 400; step++) {
            try (var s = ws.open()) {
                Tensor varying = Tensor.zeros(1000 + step, 100);
                varying.add(1f).sum().item();
                p.mul(p).sum().backward();
            }
            fresh[step] = ws.freshAllocations();
            // at most the lengths of the last 2 * IDLE_SCOPES steps stay pooled, two buffers each of up to (1400 * 100) floats
            assertTrue(ws.pooledBytes() <= 2L * Workspace.IDLE_SCOPES * 2 * 4 * 1400 * 100 + 4096, "step " + step + ": " + ws.pooledBytes());
        }
        // the steady part of the step (p * p and its sum, with their gradients) is never re-allocated: two new
        // buffers a step, the varying tensor and its + 1
        for (int step = 1; step < 400; step++) assertEquals(2, fresh[step] - fresh[step - 1], "step " + step);
    }

    @Test
    void checkModeNamesTheFirstOpThatProducedNaN() {
        NumericCheck.setEnabled(true);
        try {
            Tensor x = Tensor.vector(0f, 1f);
            Tensor zero = Tensor.vector(0f, 2f);
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> x.div(zero).mul(2f));
            assertEquals("div", e.op());
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        } finally {
            NumericCheck.setEnabled(false);
        }
    }
}
