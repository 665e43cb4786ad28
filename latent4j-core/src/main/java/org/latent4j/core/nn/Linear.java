package org.latent4j.core.nn;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.random.Rng;

/**
 * Affine map y = x W + b. The weight is stored [in, out] so the forward product needs no transpose;
 * PyTorch's nn.Linear stores [out, in], which a safetensors export states in its metadata.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;

    public Linear(int in, int out, Initializer init, Rng rng) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear: sizes must be positive, got " + in + " -> " + out);
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", init.fill(Tensor.persistentZeros(in, out), in, out, rng));
        this.bias = parameter("bias", Tensor.persistentZeros(out));
    }

    public Tensor forward(Tensor x) {
        return x.matmul(weight).add(bias);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }
}
