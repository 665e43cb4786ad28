package org.latent4j.core.model.sae;

import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;

/**
 * The encoder's affine map of a sparse autoencoder, stored as {@code torch.nn.Linear(d, L)} stores it ("weight" [L, d],
 * "bias" [L]), so a PyTorch user's {@code load_state_dict} into such a layer gets the right matrix. Its rows are the
 * latents' detectors: the top-k encoders read them row by row ({@code LinearAlgebra.sparseRowsDot}).
 */
final class EncoderLayer extends Module {
    final Tensor weight;
    final Tensor bias;

    EncoderLayer(int features, int latents) {
        weight = parameter("weight", Tensor.persistentZeros(latents, features));
        bias = parameter("bias", Tensor.persistentZeros(latents));
    }
}
