package org.latent4j.core.train;

/**
 * A non-finite loss or gradient norm stopped training. The step was not applied, and the last good
 * checkpoint, if any, was not touched.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final long step;

    TrainingDivergedException(String message, int epoch, long step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /** The 0-based epoch of the failed step. */
    public int epoch() {
        return epoch;
    }

    /** The 0-based global index of the failed step. */
    public long step() {
        return step;
    }
}
