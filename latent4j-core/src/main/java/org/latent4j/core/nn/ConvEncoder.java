package org.latent4j.core.nn;

import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The convolutions of a {@link ConvArchitecture}: flattened images [b, C*H*W] (row-major C, H, W as a data set
 * stores them) to feature maps, each convolution followed by the activation. Layers are named "0", "1", ....
 */
public final class ConvEncoder extends Module {
    private final ConvArchitecture architecture;
    private final Conv2d[] layers;
    private final Activation activation;

    /**
     * Creates the encoder with fresh weights.
     *
     * @param architecture the convolutions
     * @param activation the non-linearity after each
     * @param rng draws the initial weights
     */
    public ConvEncoder(ConvArchitecture architecture, Activation activation, Rng rng) {
        this.architecture = architecture;
        this.activation = activation;
        this.layers = new Conv2d[architecture.channels().size()];
        int in = architecture.image().get(0);
        for (int i = 0; i < layers.length; i++) {
            int out = architecture.channels().get(i);
            layers[i] = child(Integer.toString(i), new Conv2d(in, out, architecture.kernel(), architecture.geometry(), activation.defaultInitializer(), rng));
            in = out;
        }
    }

    /**
     * The feature maps of flattened images x [b, C*H*W]: [b, channels, h, w].
     *
     * @param x the images
     * @return the feature maps
     */
    public Tensor forwardGrid(Tensor x) {
        var img = architecture.image();
        if (x.rank() != 2 || x.dim(1) != architecture.imageFeatures()) {
            throw new ShapeException("ConvEncoder: input " + Shape.str(x.shape()) + " must be [batch, " + architecture.imageFeatures() + "] (images " + img + ")");
        }
        Tensor h = x.contiguous().reshape(x.dim(0), img.get(0), img.get(1), img.get(2));
        for (Conv2d layer : layers) h = activation.apply(layer.forward(h));
        return h;
    }

    /**
     * The feature maps flattened: [b, features].
     *
     * @param x the images
     * @return the features
     */
    public Tensor forward(Tensor x) {
        Tensor g = forwardGrid(x);
        return g.reshape(g.dim(0), architecture.features());
    }

    /** {@return the convolutions} */
    public ConvArchitecture architecture() {
        return architecture;
    }
}
