package org.latent4j.core.model.vae;

import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;

/**
 * A conditional VAE: the networks and objective of a {@link VaeConfig}, with a condition vector of
 * {@code conditionDim} features (e.g. a one-hot class label) appended to the encoder's and the decoder's inputs.
 *
 * @param vae          encoder, decoder and objective settings (dataDim and latentDim exclude the condition)
 * @param conditionDim width of the condition (the number of classes for a one-hot label), >= 1
 */
public record ConditionalVaeConfig(@Json.Required VaeConfig vae, @Json.Required int conditionDim) {
    /** Checks that the VAE is set and that the condition has at least one feature. */
    public ConditionalVaeConfig {
        ConfigChecks.required("ConditionalVaeConfig", "vae", vae);
        ConfigChecks.positive("ConditionalVaeConfig", "conditionDim", conditionDim);
    }
}
