package org.latent4j.core.model;

/**
 * Where training is, handed to every objective so that KL warm-up, capacity schedules and temperature
 * annealing live in the model's config rather than in trainer code.
 *
 * @param epoch       0-based epoch
 * @param step        0-based optimizer step since the start of training
 * @param stepsPerEpoch optimizer steps in one epoch (to convert between the two)
 */
public record TrainingProgress(int epoch, long step, long stepsPerEpoch) {
    /** Refuses negative counts and an epoch without steps. */
    public TrainingProgress {
        if (epoch < 0 || step < 0 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("TrainingProgress: epoch " + epoch + ", step " + step + ", stepsPerEpoch " + stepsPerEpoch);
        }
    }

    /** Progress for evaluation: schedules are taken as finished (full KL weight, full capacity). */
    public static final TrainingProgress EVALUATION = new TrainingProgress(Integer.MAX_VALUE / 2, Long.MAX_VALUE / 4, 1);

    /**
     * Epochs done, as a real number (step / stepsPerEpoch).
     *
     * @return the epochs done
     */
    public double epochs() {
        return (double) step / stepsPerEpoch;
    }
}
