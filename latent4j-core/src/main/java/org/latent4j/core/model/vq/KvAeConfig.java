package org.latent4j.core.model.vq;

import org.latent4j.core.io.Json;
import org.latent4j.core.quantize.KeyValueBottleneckConfig;

/**
 * The config of a key-value bottleneck autoencoder ({@code kv-ae}): its networks and its discrete key-value bottleneck,
 * whose width must be the code width.
 *
 * @param network    encoder, decoder and likelihood (required)
 * @param bottleneck heads, keys per head, key width and key initialisation (required)
 */
public record KvAeConfig(@Json.Required QuantizedAutoencoderConfig network, @Json.Required KeyValueBottleneckConfig bottleneck) {
    /** Checks that both parts are set and that the bottleneck takes vectors of the code width. */
    public KvAeConfig {
        if (network == null || bottleneck == null) throw new IllegalArgumentException("KvAeConfig: network and bottleneck must be set");
        if (bottleneck.dim() != network.codeDim()) {
            throw new IllegalArgumentException("KvAeConfig: the bottleneck's dim " + bottleneck.dim() + " must be the code width " + network.codeDim());
        }
    }
}
