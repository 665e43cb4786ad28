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
     * A divergence at a training step, with the message every trainer gives (the single-process one and the data-parallel
     * one): what was not finite, the epoch, step and batch, and the last good checkpoint.
     *
     * @param what           what was not finite (see {@link #nonFinite})
     * @param epoch          the 0-based epoch
     * @param epochs         the run's epochs
     * @param step           the failed global step
     * @param batchInEpoch   the 0-based batch within the epoch
     * @param stepsPerEpoch  the steps of an epoch
     * @param lastCheckpoint the last good checkpoint, or what says there is none
     * @return the exception
     */
    public static TrainingDivergedException atStep(String what, int epoch, int epochs, long step, int batchInEpoch, int stepsPerEpoch,
                                                    String lastCheckpoint) {
        return new TrainingDivergedException("training diverged: " + what + " at epoch " + (epoch + 1) + " of " + epochs + ", step " + step + " (batch "
                + (batchInEpoch + 1) + " of " + stepsPerEpoch + "); the step was not applied. Last good checkpoint: " + lastCheckpoint, epoch, step);
    }

    /**
     * {@return what is not finite in a step's loss or metrics, as the divergence message says it, or null when all are}
     *
     * @param loss    the step's loss
     * @param metrics the model's metrics of the step
     */
    public static String nonFinite(double loss, java.util.Map<String, Double> metrics) {
        if (!Double.isFinite(loss)) return "the loss is " + loss;
        for (var m : metrics.entrySet()) {
            if (!Double.isFinite(m.getValue())) return "the model's metric " + m.getKey() + " is " + m.getValue() + " (loss " + loss + ")";
        }
        return null;
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
