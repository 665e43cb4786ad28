package org.latent4j.core.model.vq;

/**
 * How {@link QuantizedAutoencoder#samplePrior} draws codes. Priors over codes (a PixelCNN, a transformer) are out of
 * scope; these are the two priors a trained model has without one. Each place of the latent (and each stage) gets
 * its code independently of the others, so a sample shows the codes' vocabulary rather than coherent images.
 */
public enum CodeSampling {
    /** Every code equally likely: the uniform prior VQ-VAE trains under (its KL is the constant log K). */
    UNIFORM,
    /**
     * Each place's codes in proportion to how often training chose them there recently: per place and stage, a count
     * per code, decayed by 0.999 per step ("code_usage", a buffer); uniform while no step has been counted.
     */
    EMPIRICAL
}
