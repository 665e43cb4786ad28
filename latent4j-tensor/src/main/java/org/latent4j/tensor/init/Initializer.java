package org.latent4j.tensor.init;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Fills a parameter tensor in place, given the layer's fan-in and fan-out (the number of inputs feeding
 * each output unit, and of outputs fed by each input unit).
 *
 * <p>The variance-scaling schemes keep the variance of activations (fan-in) or of gradients (fan-out) about
 * constant from layer to layer. Normal variants draw from a plain, untruncated normal, as PyTorch's
 * {@code nn.init} does (Keras truncates at two standard deviations and rescales instead).
 */
@FunctionalInterface
public interface Initializer {

    /**
     * Overwrites {@code t} (contiguous) and returns it.
     *
     * @param t the tensor to fill
     * @param fanIn the number of inputs of the layer
     * @param fanOut the number of outputs of the layer
     * @param rng the random numbers
     * @return {@code t}
     */
    Tensor fill(Tensor t, int fanIn, int fanOut, Rng rng);

    /**
     * Glorot and Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks":
     * uniform on [-a, a) with a = sqrt(6 / (fanIn + fanOut)), so the variance is 2 / (fanIn + fanOut).
     *
     * @return the initializer
     */
    static Initializer glorotUniform() {
        return (t, fanIn, fanOut, rng) -> uniform(t, Math.sqrt(6.0 / fans("glorotUniform", fanIn, fanOut)), rng);
    }

    /**
     * Glorot normal: standard deviation sqrt(2 / (fanIn + fanOut)).
     *
     * @return the initializer
     */
    static Initializer glorotNormal() {
        return (t, fanIn, fanOut, rng) -> normal(t, Math.sqrt(2.0 / fans("glorotNormal", fanIn, fanOut)), rng);
    }

    /**
     * He et al. (2015), "Delving deep into rectifiers", for ReLU layers: uniform on [-a, a) with
     * a = sqrt(6 / fanIn), so the variance is 2 / fanIn.
     *
     * @return the initializer
     */
    static Initializer heUniform() {
        return (t, fanIn, fanOut, rng) -> uniform(t, Math.sqrt(6.0 / fanIn("heUniform", fanIn)), rng);
    }

    /**
     * He normal, for ReLU layers: standard deviation sqrt(2 / fanIn).
     *
     * @return the initializer
     */
    static Initializer heNormal() {
        return (t, fanIn, fanOut, rng) -> normal(t, Math.sqrt(2.0 / fanIn("heNormal", fanIn)), rng);
    }

    /**
     * LeCun normal, for SELU networks (Klambauer et al. 2017, "Self-normalizing neural networks"):
     * standard deviation sqrt(1 / fanIn).
     *
     * @return the initializer
     */
    static Initializer lecunNormal() {
        return (t, fanIn, fanOut, rng) -> normal(t, Math.sqrt(1.0 / fanIn("lecunNormal", fanIn)), rng);
    }

    /**
     * LeCun uniform: uniform on [-a, a) with a = sqrt(3 / fanIn), so the variance is 1 / fanIn.
     *
     * @return the initializer
     */
    static Initializer lecunUniform() {
        return (t, fanIn, fanOut, rng) -> uniform(t, Math.sqrt(3.0 / fanIn("lecunUniform", fanIn)), rng);
    }

    /**
     * All zeros (biases); uses no random numbers.
     *
     * @return the initializer
     */
    static Initializer zeros() {
        return constant(0f);
    }

    /**
     * Every element {@code value}; uses no random numbers.
     *
     * @param value the value
     * @return the initializer
     */
    static Initializer constant(float value) {
        if (!Float.isFinite(value)) throw new IllegalArgumentException("constant initializer: value must be finite, got " + value);
        return (t, fanIn, fanOut, rng) -> t.fill(value);
    }

    private static Tensor uniform(Tensor t, double limit, Rng rng) {
        float a = (float) limit;
        return rng.fillUniform(t, -a, a);
    }

    private static Tensor normal(Tensor t, double std, Rng rng) {
        return rng.fillNormal(t, 0f, (float) std);
    }

    private static int fanIn(String name, int fanIn) {
        if (fanIn < 1) throw new IllegalArgumentException(name + ": fanIn must be >= 1, got " + fanIn);
        return fanIn;
    }

    private static double fans(String name, int fanIn, int fanOut) {
        if (fanIn < 1 || fanOut < 1) {
            throw new IllegalArgumentException(name + ": fanIn and fanOut must be >= 1, got fanIn=" + fanIn + ", fanOut=" + fanOut);
        }
        return (double) fanIn + fanOut;
    }
}
