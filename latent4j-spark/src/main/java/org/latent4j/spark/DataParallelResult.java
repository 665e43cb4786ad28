package org.latent4j.spark;

import java.util.List;
import org.latent4j.core.model.LatentModel;

/**
 * What {@link LatentTrainer#fit} returns.
 *
 * @param model       the trained model (the master's weights and buffers)
 * @param history     every epoch, those before a resumption included
 * @param resumedStep the step the run resumed from a checkpoint at, or 0 for a fresh run
 */
public record DataParallelResult(LatentModel model, List<DataParallelEpoch> history, long resumedStep) {
    /** Copies the history. */
    public DataParallelResult {
        history = List.copyOf(history);
    }
}
