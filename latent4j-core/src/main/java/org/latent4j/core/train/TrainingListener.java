package org.latent4j.core.train;

import java.nio.file.Path;

/**
 * Hears what a {@link Trainer} does; every method defaults to nothing. Calls come from the training thread, in
 * order. An exception thrown here ends the run (the last checkpoint stays on disk and can be resumed).
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** Before the first step; {@code startEpoch} and {@code startStep} are non-zero for a resumed run. */
    default void onStart(int epochs, int startEpoch, long startStep, int trainRows, int validationRows) {}

    default void onStep(StepInfo step) {}

    /** After validation and after the epoch's checkpoint, if any. */
    default void onEpochEnd(EpochRecord record) {}

    default void onCheckpoint(Path directory, int epoch, long step) {}

    default void onEnd(TrainingResult result) {}
}
