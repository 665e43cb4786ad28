package org.latent4j.core.data;

import org.latent4j.tensor.Tensor;

/**
 * Deterministic preprocessing. Random transforms (dynamic or static Bernoulli binarization in the IWAE
 * sense, where "static" means one fixed Bernoulli sample, not a threshold) belong with the engine's
 * counter-based random numbers and are not here.
 */
public final class Preprocessing {
    private Preprocessing() {}

    /**
     * Byte intensities 0..255 to [0, 1] as {@code v / 255f} (a correctly rounded float32 division, the same
     * numbers as torchvision's ToTensor). Fails on a value that is not an integer in 0..255, which would mean
     * the data were already scaled or are not bytes.
     *
     * @param raw the byte values
     * @return the values in [0, 1]
     */
    public static Tensor scaleBytes(Tensor raw) {
        float[] v = raw.toArray();
        scaleBytesInPlace(v);
        return Tensor.wrap(v, raw.shape());
    }

    /** {@link #scaleBytes(Tensor)} on an array, for loaders that own it and need not hold two copies. */
    static void scaleBytesInPlace(float[] v) {
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!(x >= 0 && x <= 255 && x == Math.rint(x))) {
                throw new IllegalArgumentException("scaleBytes: element " + i + " is " + x + ", not a byte value 0..255");
            }
            v[i] = x / 255f;
        }
    }

    /**
     * {@return the data set with its byte features scaled to [0, 1]}
     *
     * @param raw the data set of byte values
     */
    public static Dataset scaleBytes(Dataset raw) {
        return raw.withFeatures(scaleBytes(raw.features()));
    }
}
