package org.latent4j.tensor.ops;

import static org.latent4j.tensor.ops.ElementwiseOps.map;
import static org.latent4j.tensor.ops.ElementwiseOps.zip;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.VectorKernels;

/** Activation functions, each with its backward; the element-wise work runs in {@link VectorKernels}. */
public final class ActivationOps {
    private ActivationOps() {}

    /** SELU's lambda and alpha (Klambauer et al. 2017, "Self-Normalizing Neural Networks"). */
    public static final float SELU_LAMBDA = 1.0507009873554805f;
    /** SELU's alpha, the scale of its negative (ELU) branch. */
    public static final float SELU_ALPHA = 1.6732632423543772f;

    /**
     * {@return tanh(x) element by element; the backward reuses the output: 1 - y^2}
     *
     * @param a the input
     */
    public static Tensor tanh(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::tanh);
        return Autograd.record("tanh", y, g -> Autograd.accumulate(x, zip(y, g, VectorKernels::tanhBackward)), x);
    }

    /**
     * 1 / (1 + exp(-x)), without overflow for any x; the backward reuses the output: y (1 - y).
     *
     * @param a the input
     * @return a tensor of a's shape, values in [0, 1]
     */
    public static Tensor sigmoid(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::sigmoid);
        return Autograd.record("sigmoid", y, g -> Autograd.accumulate(x, zip(y, g, VectorKernels::sigmoidBackward)), x);
    }

    /**
     * {@return max(x, 0) element by element; the gradient is 0 at x = 0}
     *
     * @param a the input
     */
    public static Tensor relu(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::relu);
        return Autograd.record("relu", y, g -> Autograd.accumulate(x, zip(x, g, ActivationOps::reluBackward)), x);
    }

    private static void reluBackward(VectorKernels k, float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        k.leakyReluBackward(x, xo, g, go, 0f, out, oo, n);
    }

    /**
     * x for x > 0, slope * x otherwise.
     *
     * @param a the input
     * @param slope the factor applied to negative inputs
     * @return a tensor of a's shape
     */
    public static Tensor leakyRelu(Tensor a, float slope) {
        Tensor x = a.contiguous();
        Tensor y = map(x, (k, s, so, o, oo, n) -> k.leakyRelu(s, so, slope, o, oo, n));
        return Autograd.record("leaky_relu", y, g -> Autograd.accumulate(x,
                zip(x, g, (k, xs, xo, gs, go, o, oo, n) -> k.leakyReluBackward(xs, xo, gs, go, slope, o, oo, n))), x);
    }

    /**
     * x for x > 0, alpha (exp(x) - 1) otherwise.
     *
     * @param a the input
     * @param alpha the scale of the negative branch, the limit as x goes to minus infinity being -alpha
     * @return a tensor of a's shape
     */
    public static Tensor elu(Tensor a, float alpha) {
        return scaledElu("elu", a, alpha, 1f);
    }

    /**
     * lambda * elu(x, alpha) with SELU's fixed constants.
     *
     * @param a the input
     * @return a tensor of a's shape
     */
    public static Tensor selu(Tensor a) {
        return scaledElu("selu", a, SELU_ALPHA, SELU_LAMBDA);
    }

    private static Tensor scaledElu(String op, Tensor a, float alpha, float scale) {
        Tensor x = a.contiguous();
        Tensor y = map(x, (k, s, so, o, oo, n) -> k.elu(s, so, alpha, scale, o, oo, n));
        return Autograd.record(op, y, g -> Autograd.accumulate(x,
                zip(x, g, (k, xs, xo, gs, go, o, oo, n) -> k.eluBackward(xs, xo, gs, go, alpha, scale, o, oo, n))), x);
    }

    /**
     * The exact GELU, x Phi(x) = x (1 + erf(x / sqrt 2)) / 2 (Hendrycks and Gimpel 2016), not the tanh approximation.
     *
     * @param a the input
     * @return a tensor of a's shape
     */
    public static Tensor gelu(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::gelu);
        return Autograd.record("gelu", y, g -> Autograd.accumulate(x, zip(x, g, VectorKernels::geluBackward)), x);
    }

    /**
     * ln(1 + exp(x)), stable for any x; its derivative is sigmoid(x).
     *
     * @param a the input
     * @return a tensor of a's shape, values >= 0
     */
    public static Tensor softplus(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::softplus);
        return Autograd.record("softplus", y, g -> {
            Tensor s = map(x, VectorKernels::sigmoid);
            Autograd.accumulate(x, zip(s, g, VectorKernels::mul, s));
        }, x);
    }

    /**
     * The error function; d erf(x)/dx = 2/sqrt(pi) exp(-x^2).
     *
     * @param a the input
     * @return a tensor of a's shape, values in [-1, 1]
     */
    public static Tensor erf(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::erf);
        return Autograd.record("erf", y, g -> Autograd.accumulate(x, x.square().neg().exp().mul(TWO_OVER_SQRT_PI).mul(g)), x);
    }

    private static final float TWO_OVER_SQRT_PI = 1.1283791670955126f;
}
