package org.latent4j.core.model.vq;

import org.latent4j.core.io.Json;
import org.latent4j.core.quantize.ResidualVectorQuantizerConfig;

/**
 * The config of a residual VQ-VAE ({@code rvq-vae}): its networks and its residual vector quantizer, whose width must be
 * the code width.
 *
 * @param network   encoder, decoder and likelihood (required)
 * @param quantizer the residual quantizer: stages, each stage's vector quantizer, quantizer dropout (required)
 */
public record RvqVaeConfig(@Json.Required QuantizedAutoencoderConfig network, @Json.Required ResidualVectorQuantizerConfig quantizer) {
    /** Checks that both parts are set and that the quantizer takes vectors of the code width. */
    public RvqVaeConfig {
        if (network == null || quantizer == null) throw new IllegalArgumentException("RvqVaeConfig: network and quantizer must be set");
        if (quantizer.dim() != network.codeDim()) {
            throw new IllegalArgumentException("RvqVaeConfig: the quantizer's dim " + quantizer.dim() + " must be the code width " + network.codeDim());
        }
    }
}
