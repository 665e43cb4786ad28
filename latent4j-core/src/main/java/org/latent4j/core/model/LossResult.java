package org.latent4j.core.model;

import java.util.Map;
import org.latent4j.tensor.Tensor;

/**
 * What a model's objective returns for one batch, with one reduction convention everywhere: sums over
 * features and latent dimensions, means over the batch.
 *
 * @param loss           the scalar to minimise (what the trainer back-propagates)
 * @param reconstruction mean over the batch of -log p(x|z) (nats), a scalar
 * @param regularization mean over the batch of the rest of the loss (beta*KL, |KL - C|, a codebook and commitment
 *                       loss, an auxiliary loss...), a scalar, so that loss = reconstruction + regularization
 * @param metrics        further named numbers about the batch, averaged over each epoch's rows by the trainer and
 *                       reported in the progress line, history.csv, the checkpoint and metrics.json (e.g. "kl"
 *                       unweighted, "perplexity", "l0"); names are stable for a model kind
 * @param state          whatever the model keeps from this forward pass for its step hooks (e.g. the batch's code
 *                       assignments for an EMA update), or null; the trainer hands it back untouched
 */
public record LossResult(Tensor loss, Tensor reconstruction, Tensor regularization, Map<String, Double> metrics, Object state) {
    /** Refuses a loss that is not a scalar; copies the metrics in their order. */
    public LossResult {
        if (loss.size() != 1) throw new IllegalArgumentException("LossResult: loss must be a scalar");
        // insertion order is the order of the columns in history.csv
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /**
     * A result with no state for the quantizer.
     *
     * @param loss the scalar minimised
     * @param reconstruction the reconstruction term
     * @param regularization the regularization term
     * @param metrics further numbers to report, by name, or null
     */
    public LossResult(Tensor loss, Tensor reconstruction, Tensor regularization, Map<String, Double> metrics) {
        this(loss, reconstruction, regularization, metrics, null);
    }
}
