package org.latent4j.core.estimator.discrete;

/**
 * Running mean and variance of a score-function estimator's learning signal, kept by the model in a buffer and
 * updated after each optimizer step with {@link #update}: REINFORCE's running-mean baseline, NVIL's signal centering
 * and variance normalisation (Mnih and Gregor 2014, Section 3.3).
 *
 * @param count    batches seen so far (0: no statistics yet; the mean then counts as 0 and the variance as 1)
 * @param mean     running mean of the signal
 * @param variance running variance of the signal
 */
public record SignalStatistics(long count, double mean, double variance) {
    /** Mnih and Gregor's decay of the running averages: c = alpha c + (1 - alpha) batch mean. */
    public static final double DECAY = 0.8;

    /** No batch seen yet. */
    public static final SignalStatistics NONE = new SignalStatistics(0, 0, 1);

    /** Refuses a negative count or variance, and non-finite numbers. */
    public SignalStatistics {
        if (count < 0 || !Double.isFinite(mean) || !(variance >= 0) || !Double.isFinite(variance)) {
            throw new IllegalArgumentException("SignalStatistics: bad count " + count + ", mean " + mean + " or variance " + variance);
        }
    }

    /**
     * The statistics after one more batch: the first batch sets them, later ones are averaged in with {@link #DECAY}.
     *
     * @param batchMean     the batch's mean signal
     * @param batchVariance the batch's signal variance
     * @return the new statistics
     */
    public SignalStatistics update(double batchMean, double batchVariance) {
        if (!Double.isFinite(batchMean) || !Double.isFinite(batchVariance)) return this;
        if (count == 0) return new SignalStatistics(1, batchMean, batchVariance);
        return new SignalStatistics(count + 1, DECAY * mean + (1 - DECAY) * batchMean, DECAY * variance + (1 - DECAY) * batchVariance);
    }

    /** {@return NVIL's divisor of the centered signal: max(1, sqrt(variance))} */
    public double scale() {
        return Math.max(1, Math.sqrt(variance));
    }
}
