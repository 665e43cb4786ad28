package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.ActivationOps;

class ActivationOpsTest {
    static final double LAMBDA = 1.0507009873554805, ALPHA = 1.6732632423543772;

    @Test
    void gradients() {
        assertGradients(x -> x[0].tanh(), randn(1, 3, 4));
        assertGradients(x -> x[0].sigmoid(), randn(2, 3, 4));
        assertGradients(x -> x[0].relu(), randn(3, 3, 4));
        assertGradients(x -> x[0].leakyRelu(0.2f), randn(4, 3, 4));
        assertGradients(x -> x[0].elu(1.3f), randn(5, 3, 4));
        assertGradients(x -> x[0].selu(), randn(6, 3, 4));
        assertGradients(x -> x[0].gelu(), uniform(7, -4f, 4f, 3, 4));
        assertGradients(x -> x[0].softplus(), uniform(8, -6f, 6f, 3, 4));
        assertGradients(x -> ActivationOps.erf(x[0]), uniform(9, -3f, 3f, 3, 4));
    }

    @Test
    void gradientsThroughBroadcastingAndViews() {
        assertGradients(x -> x[0].t().gelu().mul(x[1]), randn(1, 4, 3), randn(2, 4));
        assertGradients(x -> x[0].add(x[1]).sigmoid(), randn(3, 2, 3, 4), randn(4, 3, 1));
        assertGradients(x -> x[0].expand(3, 5).tanh().mul(x[1].softplus()), randn(5, 1, 5), randn(6, 3, 1));
    }

    @Test
    void gradientsAtExtremeInputs() {
        // tails where the derivative is tiny or where a naive formula overflows
        assertGradients(x -> x[0].sigmoid(), uniform(1, 40f, 50f, 8), uniform(2, -50f, -40f, 8));
        assertGradients(x -> x[0].softplus(), uniform(3, 40f, 50f, 8), uniform(4, -50f, -40f, 8));
        assertGradients(x -> x[0].tanh(), uniform(5, 8f, 20f, 8), uniform(6, -20f, -8f, 8));
        assertGradients(x -> x[0].elu(1f), uniform(7, -30f, -10f, 8));
        assertGradients(x -> x[0].selu(), uniform(8, -30f, -10f, 8));
        assertGradients(x -> x[0].gelu(), uniform(9, 6f, 12f, 8), uniform(10, -12f, -6f, 8));
        Tensor big = Tensor.vector(-1e30f, -100f, 100f, 1e30f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY).requiresGrad(true);
        big.sigmoid().sum().backward();
        for (float g : big.grad().toArray()) assertTrue(Float.isFinite(g), "sigmoid gradient is finite at extremes");
        big.clearGrad();
        big.softplus().sum().backward();
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 1}, big.grad().toArray(), 1e-30f, "softplus gradient is sigmoid");
    }

    /**
     * Checks an op against a double formula: relative error within tol (ulp-level), plus 8 subnormal steps
     * for results in the subnormal range (gelu(-13.7) = x Phi(x) with Phi(x) a subnormal that has lost bits
     * before the multiplication by x; gelu(-14.3) with Phi(x) below the smallest subnormal).
     */
    static void assertMatches(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, double tol, float... xs) {
        float[] y = op.apply(Tensor.vector(xs)).toArray();
        for (int i = 0; i < xs.length; i++) {
            double r = ref.applyAsDouble(xs[i]);
            assertEquals(r, y[i], tol * Math.abs(r) + 8 * Float.MIN_VALUE, name + "(" + xs[i] + ")");
        }
    }

    static float[] inputs() {
        Tensor r = uniform(11, -30f, 30f, 500);
        float[] v = r.toArray();
        float[] extra = {0f, -0f, 1e-30f, -1e-30f, 1e-3f, -1e-3f, 0.5f, -0.75f, 50f, -50f, 88f, -87f, 100f, -100f};
        float[] all = java.util.Arrays.copyOf(v, v.length + extra.length);
        System.arraycopy(extra, 0, all, v.length, extra.length);
        return all;
    }

    @Test
    void valuesMatchDoublePrecisionFormulas() {
        float[] x = inputs();
        // Bounds are a little above the kernels' measured worst cases (KernelAccuracyTest): 3-6 ulp ~ 2e-7..4e-7.
        assertMatches("tanh", Tensor::tanh, Math::tanh, 3e-7, x);
        assertMatches("sigmoid", Tensor::sigmoid, DoubleMath::sigmoid, 3e-7, x);
        assertMatches("softplus", Tensor::softplus, DoubleMath::softplus, 3e-7, x);
        assertMatches("relu", Tensor::relu, v -> Math.max(v, 0), 0, x);
        assertMatches("leakyRelu", t -> t.leakyRelu(0.1f), v -> v > 0 ? v : 0.1f * (float) v, 0, x);
        assertMatches("elu", t -> t.elu(1.5f), v -> v > 0 ? v : 1.5 * Math.expm1(v), 3e-7, x);
        assertMatches("selu", Tensor::selu, v -> LAMBDA * (v > 0 ? v : ALPHA * Math.expm1(v)), 3e-7, x);
        assertMatches("gelu", Tensor::gelu, DoubleMath::gelu, 5e-7, x);
        assertMatches("erf", t -> ActivationOps.erf(t), DoubleMath::erf, 3e-7, x);
    }

    @Test
    void knownValues() {
        assertEquals(0.8427007929497149, ActivationOps.erf(Tensor.vector(1f)).item(), 1e-7);
        assertEquals(-0.8427007929497149, ActivationOps.erf(Tensor.vector(-1f)).item(), 1e-7);
        assertEquals(0.9999779095030014, ActivationOps.erf(Tensor.vector(3f)).item(), 1e-7);
        // softplus(-100) = ln(1 + e^-100) ~ e^-100 = 3.72e-44, a subnormal that a naive log(1 + exp(x)) rounds to 0
        float sp = Tensor.vector(-100f).softplus().item();
        assertEquals(3.720075976020836e-44, sp, 2 * Float.MIN_VALUE);
        assertTrue(sp > 0);
        assertEquals(100f, Tensor.vector(100f).softplus().item());
        assertEquals(1e30f, Tensor.vector(1e30f).softplus().item());
        assertEquals(Math.log(2), Tensor.vector(0f).softplus().item(), 1e-7);
        assertEquals(3.720075976020836e-44, Tensor.vector(-100f).sigmoid().item(), 2 * Float.MIN_VALUE);
        assertEquals(1f, Tensor.vector(100f).sigmoid().item());
        assertEquals(0.5f, Tensor.vector(0f).sigmoid().item());
        assertEquals(0.8413447460685429, Tensor.vector(1f).gelu().item(), 1e-7);
        assertEquals(-0.15865525393145707, Tensor.vector(-1f).gelu().item(), 1e-7);
        assertEquals(0f, Tensor.vector(0f).gelu().item());
        assertEquals(LAMBDA, Tensor.vector(1f).selu().item(), 1e-7);
        assertEquals(-1.1113307378125625, Tensor.vector(-1f).selu().item(), 2e-7);
        assertEquals(-LAMBDA * ALPHA, Tensor.vector(-50f).selu().item(), 2e-7);
        assertEquals(1f, Tensor.vector(20f).tanh().item());
        assertEquals(-1f, Tensor.vector(Float.NEGATIVE_INFINITY).tanh().item());
        assertEquals(1e-30f, Tensor.vector(1e-30f).tanh().item(), "tanh keeps tiny values");
        assertEquals(0.7615941559557649, Tensor.vector(1f).tanh().item(), 1e-7);
    }

    @Test
    void backwardOfTanhAndSigmoidUsesTheOutput() {
        Tensor x = Tensor.vector(-2f, 0f, 0.5f, 3f).requiresGrad(true);
        x.tanh().sum().backward();
        float[] g = x.grad().toArray(), xs = x.toArray();
        for (int i = 0; i < 4; i++) {
            double t = Math.tanh(xs[i]);
            assertEquals(1 - t * t, g[i], 3e-7);
        }
        x.clearGrad();
        x.sigmoid().sum().backward();
        g = x.grad().toArray();
        for (int i = 0; i < 4; i++) {
            double s = DoubleMath.sigmoid(xs[i]);
            assertEquals(s * (1 - s), g[i], 3e-7);
        }
        Tensor r = Tensor.vector(-1f, 2f).requiresGrad(true);
        r.relu().sum().backward();
        assertArrayEquals(new float[] {0, 1}, r.grad().toArray());
    }
}
