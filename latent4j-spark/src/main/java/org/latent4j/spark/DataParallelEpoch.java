package org.latent4j.spark;

import java.util.Map;

/**
 * One epoch of a {@link LatentTrainer} run. Loss terms and metrics are means over the epoch's rows (each step's being the
 * row-weighted mean over its replicas' batches).
 *
 * @param epoch                1-based
 * @param steps                global steps done at its end
 * @param loss                 mean training loss
 * @param reconstruction       its reconstruction term
 * @param regularization       its regularisation term
 * @param metrics              the model's metrics, means over the epoch's rows
 * @param computeSeconds       per step, the slowest replica's forward and backward time, averaged over the epoch's steps
 * @param communicationSeconds per step, the rest of the step's Spark job (broadcasting the weights, launching and
 *                             scheduling the tasks, loading the weights into the replicas, shipping the gradients back),
 *                             averaged over the epoch's steps
 * @param driverSeconds        per step, the driver's work after the job (averaging, optimizer step, hooks), averaged
 * @param seconds              wall time of the epoch
 */
public record DataParallelEpoch(int epoch, long steps, double loss, double reconstruction, double regularization, Map<String, Double> metrics,
                                double computeSeconds, double communicationSeconds, double driverSeconds, double seconds) {
    /** Copies the metrics in their order. */
    public DataParallelEpoch {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}
