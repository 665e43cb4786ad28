package org.latent4j.core.nn;

import java.util.ArrayList;
import java.util.List;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.ops.Conv2dGeometry;

/**
 * The convolutional encoder and decoder of a model for images (a model config's {@code conv}; null there means
 * MLPs). The encoder is one convolution per entry of {@code channels}, each with the same kernel, stride and padding
 * and followed by the activation; the decoder mirrors it with transposed convolutions, choosing each one's output
 * padding so that it gives back exactly the encoder's sizes (28 -> 14 -> 7 -> 14 -> 28; 30 -> 15 -> 7 -> 15 -> 30).
 *
 * <p>The default, {@link #of}: two 4x4 convolutions of stride 2 and padding 1 with 32 and 64 channels, which take a
 * 28x28 image to 64 feature maps of 7x7 (3,136 features), the common encoder of VQ-VAEs and convolutional VAEs on
 * MNIST-sized images.
 *
 * @param image    the image shape [channels, height, width]
 * @param channels feature maps of each convolution, in order (at least one)
 * @param kernel   the square kernel's size (default 4)
 * @param stride   the stride of every convolution (default 2)
 * @param padding  the padding of every convolution (default 1)
 */
public record ConvArchitecture(@Json.Required List<Integer> image, List<Integer> channels, int kernel, int stride, int padding) {
    private static final String NAME = "ConvArchitecture";

    /** Checks the sizes and copies the lists. */
    public ConvArchitecture {
        if (image == null || image.size() != 3 || image.stream().anyMatch(v -> v == null || v < 1)) {
            throw new IllegalArgumentException(NAME + ".image must be [channels, height, width], each >= 1, got " + image);
        }
        if (channels == null || channels.isEmpty() || channels.stream().anyMatch(v -> v == null || v < 1)) {
            throw new IllegalArgumentException(NAME + ".channels must be one or more positive sizes, got " + channels);
        }
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(NAME + ": kernel " + kernel + " and stride " + stride + " must be >= 1 and padding " + padding + " >= 0");
        }
        image = List.copyOf(image);
        channels = List.copyOf(channels);
        int[] s = {image.get(1), image.get(2)};
        for (int c : channels) {
            // the fields are not assigned yet in a compact constructor: pass the parameters
            s = next(s, kernel, stride, padding);
            if (s[0] < 1 || s[1] < 1) {
                throw new IllegalArgumentException(NAME + ": a " + image.get(1) + "x" + image.get(2) + " image is too small for " + channels.size()
                        + " convolutions of kernel " + kernel + ", stride " + stride + ", padding " + padding);
            }
        }
    }

    /**
     * The default architecture for images of this [height, width] or [channels, height, width].
     *
     * @param imageShape the image shape
     * @return the architecture
     */
    public static ConvArchitecture of(int[] imageShape) {
        return new ConvArchitecture(image(imageShape), List.of(32, 64), 4, 2, 1);
    }

    /** The defaults of a saved config's missing keys (the image is required). */
    static ConvArchitecture defaults() {
        return of(new int[] {28, 28});
    }

    /**
     * {@return this architecture with these feature maps, one stride-2 convolution per entry}
     *
     * @param c the channels
     */
    public ConvArchitecture withChannels(List<Integer> c) {
        return new ConvArchitecture(image, c, kernel, stride, padding);
    }

    /**
     * [channels, height, width] of a data set's image shape of 2 or 3 entries.
     *
     * @param imageShape the image shape
     * @return the three sizes
     */
    public static List<Integer> image(int[] imageShape) {
        if (imageShape == null || imageShape.length < 2 || imageShape.length > 3) {
            throw new IllegalArgumentException("a convolutional architecture needs images; the data have " + (imageShape == null ? "no image shape"
                    : "the shape " + java.util.Arrays.toString(imageShape)));
        }
        return imageShape.length == 2 ? List.of(1, imageShape[0], imageShape[1]) : List.of(imageShape[0], imageShape[1], imageShape[2]);
    }

    private static int[] next(int[] s, int kernel, int stride, int padding) {
        return new int[] {Math.floorDiv(s[0] + 2 * padding - kernel, stride) + 1, Math.floorDiv(s[1] + 2 * padding - kernel, stride) + 1};
    }

    /**
     * The geometry of every convolution.
     *
     * @return the geometry
     */
    public Conv2dGeometry geometry() {
        return Conv2dGeometry.of(stride, padding);
    }

    /**
     * [height, width] after each convolution, the image's first: channels.size() + 1 entries.
     *
     * @return the sizes
     */
    public List<int[]> sizes() {
        List<int[]> out = new ArrayList<>();
        int[] s = {image.get(1), image.get(2)};
        out.add(s);
        for (int i = 0; i < channels.size(); i++) out.add(s = next(s, kernel, stride, padding));
        return out;
    }

    /**
     * The encoder's output [channels, height, width].
     *
     * @return the shape
     */
    public int[] featureShape() {
        int[] s = sizes().getLast();
        return new int[] {channels.getLast(), s[0], s[1]};
    }

    /**
     * Features of the encoder's output, flattened.
     *
     * @return the number of features
     */
    public int features() {
        int[] f = featureShape();
        return f[0] * f[1] * f[2];
    }

    /** {@return the number of features of an image, channels * height * width} */
    public int imageFeatures() {
        return image.get(0) * image.get(1) * image.get(2);
    }
}
