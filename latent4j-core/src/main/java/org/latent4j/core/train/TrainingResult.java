package org.latent4j.core.train;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The outcome of {@link Trainer#fit}: the trained weights are in the model itself.
 *
 * @param history            one record per completed epoch, resumed runs included
 * @param bestEpoch          the epoch (from 1) of the lowest validation loss, or 0 without validation
 * @param bestValidationLoss that loss, or empty without validation
 * @param stoppedEarly       whether early stopping ended the run before its last epoch
 * @param modelEpoch         the epoch (from 1) whose weights the model holds at the end: the last one, or under early
 *                           stopping the best one by validation loss
 * @param provenance         what produced the model
 */
public record TrainingResult(List<EpochRecord> history, int bestEpoch, OptionalDouble bestValidationLoss, boolean stoppedEarly,
                             int modelEpoch, Provenance provenance) {
    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }

    /**
     * The last epoch's record (the final metrics).
     *
     * @return the record
     */
    public EpochRecord last() {
        if (history.isEmpty()) throw new IllegalStateException("no epoch was completed");
        return history.getLast();
    }
}
