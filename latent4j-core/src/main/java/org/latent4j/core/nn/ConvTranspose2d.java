package org.latent4j.core.nn;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.ops.Conv2dGeometry;
import org.latent4j.tensor.ops.ConvOps;
import org.latent4j.tensor.random.Rng;

/**
 * A 2-D transposed convolution on NCHW images, its weight [in, out, kh, kw] and bias [out] named and laid out as
 * {@code torch.nn.ConvTranspose2d}'s.
 */
public final class ConvTranspose2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final Conv2dGeometry geometry;

    /**
     * Weights drawn by {@code init} with fan-in out * kh * kw and fan-out in * kh * kw (the convolution it transposes).
     *
     * @param in the input channels
     * @param out the output channels
     * @param kernel the kernel's height and width
     * @param geometry stride, padding, dilation and output padding
     * @param init draws the weights
     * @param rng the random numbers
     */
    public ConvTranspose2d(int in, int out, int kernel, Conv2dGeometry geometry, Initializer init, Rng rng) {
        if (in < 1 || out < 1 || kernel < 1) {
            throw new IllegalArgumentException("ConvTranspose2d: channels and kernel must be positive, got " + in + " -> " + out + ", k " + kernel);
        }
        this.geometry = geometry;
        this.weight = parameter("weight", init.fill(Tensor.persistentZeros(in, out, kernel, kernel), out * kernel * kernel, in * kernel * kernel, rng));
        this.bias = parameter("bias", Tensor.persistentZeros(out));
    }

    /**
     * x [n, in, h, w] to [n, out, h', w'].
     *
     * @param x the input
     * @return the output
     */
    public Tensor forward(Tensor x) {
        return ConvOps.convTranspose2d(x, weight, bias, geometry);
    }

    /** {@return the kernels, [in, out, kh, kw]} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias, [out]} */
    public Tensor bias() {
        return bias;
    }
}
