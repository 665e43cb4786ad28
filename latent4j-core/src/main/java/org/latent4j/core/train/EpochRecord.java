package org.latent4j.core.train;

import java.util.Map;
import java.util.OptionalDouble;
import org.latent4j.core.io.Json;

/**
 * One line of the loss history.
 *
 * @param epoch           epochs completed, from 1
 * @param step            optimizer steps completed since the start of training
 * @param trainLoss       mean over the epoch's training rows of the loss (each batch weighted by its rows)
 * @param reconstruction  the same mean of the reconstruction term
 * @param regularization  the same mean of the regularization term
 * @param validationLoss  mean loss over the validation rows after the epoch, or empty without validation
 * @param learningRate    the rate of the epoch's last step
 * @param seconds         wall-clock time of the epoch (training and validation)
 * @param metrics         the same means of what the model's loss reported ({@code LossResult.metrics}), by name
 */
public record EpochRecord(@Json.Required int epoch, @Json.Required long step, @Json.Required double trainLoss, @Json.Required double reconstruction,
                          @Json.Required double regularization, OptionalDouble validationLoss, @Json.Required double learningRate,
                          @Json.Required double seconds, Map<String, Double> metrics) {
    /** Copies the metrics, in their order. */
    public EpochRecord {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** Histories written before metrics were recorded read with none. */
    static EpochRecord defaults() {
        return new EpochRecord(0, 0, 0, 0, 0, OptionalDouble.empty(), 0, 0, Map.of());
    }
}
