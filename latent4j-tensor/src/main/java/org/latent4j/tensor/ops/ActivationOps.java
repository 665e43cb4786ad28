package org.latent4j.tensor.ops;

import org.latent4j.tensor.Tensor;

/** Activation functions, each with its backward. */
public final class ActivationOps {
    private ActivationOps() {}

    public static Tensor tanh(Tensor a) { throw new UnsupportedOperationException("tanh: not implemented yet"); }
    public static Tensor sigmoid(Tensor a) { throw new UnsupportedOperationException("sigmoid: not implemented yet"); }
    public static Tensor relu(Tensor a) { throw new UnsupportedOperationException("relu: not implemented yet"); }
    public static Tensor leakyRelu(Tensor a, float slope) { throw new UnsupportedOperationException("leakyRelu: not implemented yet"); }
    public static Tensor elu(Tensor a, float alpha) { throw new UnsupportedOperationException("elu: not implemented yet"); }
    public static Tensor selu(Tensor a) { throw new UnsupportedOperationException("selu: not implemented yet"); }
    public static Tensor gelu(Tensor a) { throw new UnsupportedOperationException("gelu: not implemented yet"); }
    public static Tensor softplus(Tensor a) { throw new UnsupportedOperationException("softplus: not implemented yet"); }
}
