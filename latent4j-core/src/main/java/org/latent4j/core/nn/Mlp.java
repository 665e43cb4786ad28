package org.latent4j.core.nn;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A stack of affine layers with one activation after each hidden layer and none after the last:
 * in -> hidden[0] -> ... -> hidden[h-1] -> out. Layers are named "0", "1", ... as in nn.Sequential.
 */
public final class Mlp extends Module {
    private final Linear[] layers;
    private final Activation activation;

    /**
     * Creates the network with fresh weights.
     *
     * @param in the input's width
     * @param hidden the hidden sizes
     * @param out the output's width
     * @param activation the hidden non-linearity
     * @param rng draws the initial weights
     */
    public Mlp(int in, int[] hidden, int out, Activation activation, Rng rng) {
        this.activation = activation;
        this.layers = new Linear[hidden.length + 1];
        int prev = in;
        for (int i = 0; i <= hidden.length; i++) {
            int next = i < hidden.length ? hidden[i] : out;
            // the output layer of an MLP is linear: Glorot keeps its scale neutral
            var init = i < hidden.length ? activation.defaultInitializer() : org.latent4j.tensor.init.Initializer.glorotUniform();
            layers[i] = child(Integer.toString(i), new Linear(prev, next, init, rng));
            prev = next;
        }
    }

    /**
     * {@return the output, [..., out]; no activation after the last layer}
     *
     * @param x the input, [..., in]
     */
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < layers.length; i++) {
            h = layers[i].forward(h);
            if (i < layers.length - 1) h = activation.apply(h);
        }
        return h;
    }

    /**
     * {@return the output of {@link #forward} with every layer's parameters behind a stop-gradient: the gradient
     * reaches the input only (how sticking-the-landing estimators evaluate a conditional posterior's density)}
     *
     * @param x the input, [..., in]
     */
    public Tensor forwardWithStoppedParameters(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < layers.length; i++) {
            h = layers[i].forwardWithStoppedParameters(h);
            if (i < layers.length - 1) h = activation.apply(h);
        }
        return h;
    }

    /**
     * The last affine layer (e.g. to set a decoder's output bias).
     *
     * @return the layer
     */
    public Linear outputLayer() {
        return layers[layers.length - 1];
    }

    /** {@return the number of affine layers} */
    public int depth() {
        return layers.length;
    }
}
