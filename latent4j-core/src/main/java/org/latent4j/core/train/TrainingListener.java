package org.latent4j.core.train;

import java.nio.file.Path;

/**
 * Hears what a {@link Trainer} does; every method defaults to nothing. Calls come from the training thread, in
 * order. An exception thrown here ends the run (the last checkpoint stays on disk and can be resumed).
 */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * Before the first step; {@code startEpoch} and {@code startStep} are non-zero for a resumed run.
     *
     * @param epochs the epochs of the run
     * @param startEpoch the first epoch to run
     * @param startStep the step count at the start
     * @param trainRows the rows trained on
     * @param validationRows the rows held out for validation
     */
    default void onStart(int epochs, int startEpoch, long startStep, int trainRows, int validationRows) {}

    /**
     * After each optimizer step.
     *
     * @param step the step's numbers
     */
    default void onStep(StepInfo step) {}

    /**
     * After validation and after the epoch's checkpoint, if any.
     *
     * @param record the epoch's record
     */
    default void onEpochEnd(EpochRecord record) {}

    /**
     * After a checkpoint is written.
     *
     * @param directory the checkpoint's directory
     * @param epoch the epoch it was written after, from 0
     * @param step the step count
     */
    default void onCheckpoint(Path directory, int epoch, long step) {}

    /**
     * After the last epoch, or after early stopping.
     *
     * @param result the run's result
     */
    default void onEnd(TrainingResult result) {}
}
