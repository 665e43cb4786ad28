package org.latent4j.core.model.vq;

import org.latent4j.core.io.Json;
import org.latent4j.core.quantize.FiniteScalarQuantizerConfig;

/**
 * The config of an FSQ-VAE ({@code fsq-vae}): its networks and its finite scalar quantizer, whose width must be the code
 * width (the command line makes the code width the number of levels, so that the encoder's last layer is FSQ's
 * projection down to d dimensions).
 *
 * @param network   encoder, decoder and likelihood (required)
 * @param quantizer the levels per dimension (required)
 */
public record FsqVaeConfig(@Json.Required QuantizedAutoencoderConfig network, @Json.Required FiniteScalarQuantizerConfig quantizer) {
    /** Checks that both parts are set and that the quantizer takes vectors of the code width. */
    public FsqVaeConfig {
        if (network == null || quantizer == null) throw new IllegalArgumentException("FsqVaeConfig: network and quantizer must be set");
        if (quantizer.dim() != network.codeDim()) {
            throw new IllegalArgumentException("FsqVaeConfig: the quantizer's dim " + quantizer.dim() + " must be the code width " + network.codeDim());
        }
    }
}
