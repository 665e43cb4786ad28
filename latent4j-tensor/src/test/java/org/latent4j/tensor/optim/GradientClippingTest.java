package org.latent4j.tensor.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;

class GradientClippingTest {

    private static Tensor withGrad(float[] grad, int... shape) {
        Tensor p = Tensor.persistentZeros(shape).requiresGrad(true);
        Autograd.accumulate(p, Tensor.of(grad, shape));
        return p;
    }

    @Test
    void clipsTheGlobalNormToTheLimitAndReturnsTheNormBefore() {
        Tensor a = withGrad(new float[] {3, -4}, 2);
        Tensor b = withGrad(new float[] {1, 2, -2, 0.5f}, 2, 2);
        Tensor none = Tensor.persistentZeros(3).requiresGrad(true); // no gradient: skipped
        List<Tensor> ps = List.of(a, none, b);
        double before = GradientClipping.clipByGlobalNorm(ps, 2.0);
        assertEquals(Math.sqrt(9 + 16 + 1 + 4 + 4 + 0.25), before, 1e-12);
        assertEquals(2.0, GradientClipping.globalNorm(ps), 1e-6);
        assertNull(none.grad());
        // Direction kept: every component scaled by 2 / 5.8523...
        double s = 2.0 / before;
        assertArrayEquals(new float[] {(float) (3 * s), (float) (-4 * s)}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) s, (float) (2 * s), (float) (-2 * s), (float) (0.5 * s)}, b.grad().toArray(), 1e-6f);
        // torch.nn.utils.clip_grad_norm_ on the same gradients (torch_reference.py in the test resources)
        // returned 5.852349758 and these gradients; it divides by norm + 1e-6, hence the tolerance.
        assertEquals(5.852349758, before, 1e-6);
        assertArrayEquals(new float[] {1.0252290964126587f, -1.3669720888137817f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.34174302220344543f, 0.6834860444068909f, -0.6834860444068909f, 0.17087151110172272f},
                b.grad().toArray(), 1e-6f);
    }

    @Test
    void belowTheLimitNothingChanges() {
        Tensor a = withGrad(new float[] {3, -4}, 2);
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(List.of(a), 5.0), 0.0);
        assertArrayEquals(new float[] {3, -4}, a.grad().toArray());
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(List.of(a), 10.0), 0.0);
        assertArrayEquals(new float[] {3, -4}, a.grad().toArray());
    }

    @Test
    void nonFiniteNormIsReportedAndGradientsAreLeftAlone() {
        Tensor a = withGrad(new float[] {Float.NaN, 1}, 2);
        Tensor b = withGrad(new float[] {Float.POSITIVE_INFINITY}, 1);
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(List.of(a), 1.0)));
        assertEquals(1f, a.grad().get(1));
        assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(List.of(b), 1.0));
    }

    @Test
    void normIsAccumulatedInDouble() {
        // 2^20 gradients of 1e-3 plus one of 1: with a float running sum of the squares the norm comes out
        // 2.4e-3 too large (a million roundings near 1); in double the error is below 1e-9.
        int n = 1 << 20;
        float[] g = new float[n + 1];
        java.util.Arrays.fill(g, 1e-3f);
        g[n] = 1f;
        Tensor p = withGrad(g, n + 1);
        double expected = Math.sqrt(n * (double) 1e-3f * 1e-3f + 1);
        assertEquals(expected, GradientClipping.globalNorm(List.of(p)), 1e-9);
    }

    @Test
    void badLimitIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(List.of(), 0));
        assertTrue(e.getMessage().contains("maxNorm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(List.of(), Double.NaN));
    }
}
