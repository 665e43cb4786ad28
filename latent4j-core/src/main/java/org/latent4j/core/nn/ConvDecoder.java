package org.latent4j.core.nn;

import java.util.List;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.Conv2dGeometry;
import org.latent4j.tensor.random.Rng;

/**
 * The mirror of a {@link ConvEncoder}: feature maps of the encoder's output shape to images of
 * {@code outputChannels} channels (the image's channels times the likelihood's parameters per feature) at the
 * image's size, through transposed convolutions with the activation between them (and applied to the input, which
 * comes from a linear layer or a quantizer), then a bias per output feature, "output_bias", which a likelihood can
 * start at the data's mean (a per-channel bias cannot hold a mean image). Layers are named "0", "1", ....
 */
public final class ConvDecoder extends Module {
    private final ConvArchitecture architecture;
    private final ConvTranspose2d[] layers;
    private final Activation activation;
    private final int outputChannels;
    private final Tensor outputBias;
    private final boolean activateInput;

    /**
     * Creates the decoder with fresh weights.
     *
     * @param architecture   the encoder's architecture, mirrored
     * @param inputChannels  channels of the feature maps it takes (the encoder's last, or a code grid's width)
     * @param outputChannels the image's channels
     * @param activation     the hidden non-linearity
     * @param activateInput  whether the activation is applied to the input first (true after a linear layer)
     * @param rng            draws the initial weights
     */
    public ConvDecoder(ConvArchitecture architecture, int inputChannels, int outputChannels, Activation activation, boolean activateInput, Rng rng) {
        this.architecture = architecture;
        this.activation = activation;
        this.outputChannels = outputChannels;
        this.activateInput = activateInput;
        List<Integer> ch = architecture.channels();
        List<int[]> sizes = architecture.sizes();
        int n = ch.size();
        this.layers = new ConvTranspose2d[n];
        int in = inputChannels;
        for (int i = 0; i < n; i++) {
            // layer i undoes encoder convolution n - 1 - i, from sizes[n - i] back to sizes[n - 1 - i]
            int[] from = sizes.get(n - i), to = sizes.get(n - 1 - i);
            int out = i == n - 1 ? outputChannels : ch.get(n - 2 - i);
            Conv2dGeometry g = architecture.geometry().withOutputPadding(outputPadding(from[0], to[0]), outputPadding(from[1], to[1]));
            var init = i == n - 1 ? org.latent4j.tensor.init.Initializer.glorotUniform() : activation.defaultInitializer();
            layers[i] = child(Integer.toString(i), new ConvTranspose2d(in, out, architecture.kernel(), g, init, rng));
            in = out;
        }
        var img = architecture.image();
        this.outputBias = parameter("output_bias", Tensor.persistentZeros(outputChannels * img.get(1) * img.get(2)));
    }

    private int outputPadding(int from, int to) {
        int plain = (from - 1) * architecture.stride() - 2 * architecture.padding() + architecture.kernel();
        int p = to - plain;
        if (p < 0 || p >= architecture.stride()) {
            throw new IllegalArgumentException("ConvDecoder: cannot undo a convolution from " + to + " to " + from + " pixels with kernel "
                    + architecture.kernel() + ", stride " + architecture.stride() + ", padding " + architecture.padding());
        }
        return p;
    }

    /**
     * Images [b, outputChannels * H * W] (flattened row-major) of feature maps [b, inputChannels, h, w].
     *
     * @param grid the feature maps
     * @return the images
     */
    public Tensor fromGrid(Tensor grid) {
        Tensor h = activateInput ? activation.apply(grid) : grid;
        for (int i = 0; i < layers.length; i++) {
            h = layers[i].forward(h);
            if (i < layers.length - 1) h = activation.apply(h);
        }
        int b = h.dim(0);
        return h.reshape(b, outputBias.size()).add(outputBias);
    }

    /**
     * Images of flattened feature maps [b, features] (or [s, b, features], samples first).
     *
     * @param features the flattened feature maps
     * @return the images
     */
    public Tensor forward(Tensor features) {
        int[] f = architecture.featureShape();
        if (features.dim(features.rank() - 1) != f[0] * f[1] * f[2] || features.rank() > 3 || features.rank() < 2) {
            throw new ShapeException("ConvDecoder: input " + Shape.str(features.shape()) + " must end in " + (f[0] * f[1] * f[2]) + " features");
        }
        if (features.rank() == 3) {
            int s = features.dim(0), b = features.dim(1);
            Tensor flat = fromGrid(features.contiguous().reshape(s * b, f[0], f[1], f[2]));
            return flat.reshape(s, b, flat.dim(1));
        }
        return fromGrid(features.contiguous().reshape(features.dim(0), f[0], f[1], f[2]));
    }

    /**
     * A bias per output feature, [outputChannels * H * W].
     *
     * @return the bias
     */
    public Tensor outputBias() {
        return outputBias;
    }

    /** {@return the image's channels} */
    public int outputChannels() {
        return outputChannels;
    }
}
