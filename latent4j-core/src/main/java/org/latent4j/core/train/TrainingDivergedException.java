package org.latent4j.core.train;

/**
 * A non-finite loss or gradient norm stopped training. The step was not applied, and the last good
 * checkpoint, if any, was not touched.
 */
public final class TrainingDivergedException extends RuntimeException {
    /** The epoch of the failed step. */
    private final int epoch;
    /** The step that failed. */
    private final long step;

    /**
     * A divergence at a step (also raised by trainers outside this package, such as the data-parallel one).
     *
     * @param message what was not finite, where, and the last good checkpoint
     * @param epoch   the 0-based epoch of the failed step
     * @param step    the failed step
     */
    public TrainingDivergedException(String message, int epoch, long step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /**
     * The 0-based epoch of the failed step.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The 0-based global index of the failed step.
     *
     * @return the step
     */
    public long step() {
        return step;
    }
}
