package org.latent4j.core.model.vq;

import org.latent4j.core.io.Json;
import org.latent4j.core.quantize.VectorQuantizerConfig;

/**
 * The config of a VQ-VAE ({@code vq-vae}): its networks and its vector quantizer, whose width must be the code width.
 *
 * @param network   encoder, decoder and likelihood (required)
 * @param quantizer the vector quantizer (required)
 */
public record VqVaeConfig(@Json.Required QuantizedAutoencoderConfig network, @Json.Required VectorQuantizerConfig quantizer) {
    /** Checks that both parts are set and that the quantizer takes vectors of the code width. */
    public VqVaeConfig {
        if (network == null || quantizer == null) throw new IllegalArgumentException("VqVaeConfig: network and quantizer must be set");
        if (quantizer.dim() != network.codeDim()) {
            throw new IllegalArgumentException("VqVaeConfig: the quantizer's dim " + quantizer.dim() + " must be the code width " + network.codeDim());
        }
    }

    /**
     * The defaults (MLP 512-256, K = 512 codes of 64 features, the defaults of {@link VectorQuantizerConfig#of}) for data of this width.
     *
     * @param dataDim the data's features
     * @return the config
     */
    public static VqVaeConfig of(int dataDim) {
        return new VqVaeConfig(QuantizedAutoencoderConfig.of(dataDim, VqOptions.DEFAULT_CODE_DIM),
                VectorQuantizerConfig.of(VqOptions.DEFAULT_CODE_DIM, VqOptions.DEFAULT_CODEBOOK_SIZE));
    }
}
