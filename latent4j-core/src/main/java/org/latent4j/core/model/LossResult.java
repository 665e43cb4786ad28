package org.latent4j.core.model;

import java.util.Map;
import org.latent4j.tensor.Tensor;

/**
 * What a model's objective returns for one batch, with one reduction convention everywhere: sums over
 * features and latent dimensions, means over the batch.
 *
 * @param loss           the scalar to minimise (what the trainer back-propagates)
 * @param reconstruction mean over the batch of -log p(x|z) (nats), a scalar
 * @param regularization mean over the batch of the regulariser as used in the loss (e.g. beta*KL,
 *                       |KL - C|, or the MMD term), a scalar; zero for a deterministic autoencoder
 * @param latents        the latent codes used for the reconstruction [b, latent] (samples or means)
 * @param reconstructionParams the decoder's output (likelihood parameters) [b, d * p]
 * @param metrics        further named scalars for logs (e.g. "kl" unweighted, "beta", "capacity")
 */
public record LossResult(Tensor loss, Tensor reconstruction, Tensor regularization, Tensor latents,
                         Tensor reconstructionParams, Map<String, Double> metrics) {
    public LossResult {
        if (loss.size() != 1) throw new IllegalArgumentException("LossResult: loss must be a scalar");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
