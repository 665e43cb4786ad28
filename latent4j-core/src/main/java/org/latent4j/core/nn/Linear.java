package org.latent4j.core.nn;

import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.random.Rng;

/**
 * Affine map y = x W^T + b with the weight stored [out, in] and the bias [out], as {@code torch.nn.Linear}
 * stores them, so that a PyTorch user's {@code load_state_dict} of a saved model gets the right matrix
 * (models saved before format version 2 held [in, out] and are transposed on load, see
 * {@code ModelStore}).
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;

    /**
     * Creates the layer: weights drawn by {@code init}, zero bias.
     *
     * @param in the input features
     * @param out the output features
     * @param init draws the weights
     * @param rng the random numbers
     */
    public Linear(int in, int out, Initializer init, Rng rng) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear: sizes must be positive, got " + in + " -> " + out);
        this.in = in;
        this.out = out;
        // drawn [in, out] and transposed, so a seed gives the weights it gave when they were stored [in, out]
        Tensor drawn = init.fill(Tensor.zeros(in, out), in, out, rng);
        this.weight = parameter("weight", Tensor.persistentZeros(out, in).copyFrom(drawn.t()));
        this.bias = parameter("bias", Tensor.persistentZeros(out));
    }

    /**
     * {@return x W^T + b}
     *
     * @param x the input, [..., in]
     */
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight).add(bias);
    }

    /**
     * {@return the same affine map with the weight and bias behind a stop-gradient (held still in a {@link Surrogate#freeze()}):
     * the gradient reaches the input only}
     *
     * @param x the input, [..., in]
     */
    public Tensor forwardWithStoppedParameters(Tensor x) {
        return LinearAlgebra.linear(x, Surrogate.stopGradient(weight)).add(Surrogate.stopGradient(bias));
    }

    /**
     * The weight, [out, in].
     *
     * @return the weight
     */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias, [out]} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the input features} */
    public int inFeatures() {
        return in;
    }

    /** {@return the output features} */
    public int outFeatures() {
        return out;
    }
}
