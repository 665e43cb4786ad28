package org.latent4j.core.estimator.discrete;

import org.latent4j.core.model.ConfigChecks;

/**
 * The temperature of the relaxed estimators, annealed as in Jang, Gu and Poole (2017), Section 4:
 * tau(step) = max(minimum, initial * exp(-rate * step)), updated every optimizer step. Jang et al. used
 * initial 1, minimum 0.5 and rate r in {1e-5, 1e-4} (updated every N = 500 or 1000 steps); the defaults here are theirs
 * with the larger rate, so the annealing shows within the few thousand steps of a run on Fashion-MNIST. Evaluation
 * runs at the minimum. A rate of 0 holds the temperature at its initial value.
 *
 * @param initial tau at step 0 (> 0), default 1
 * @param minimum the floor (> 0, at most initial), default 0.5
 * @param rate    r per optimizer step (>= 0), default 1e-4
 */
public record Temperature(double initial, double minimum, double rate) {
    /** Jang et al.'s schedule. */
    public static final Temperature DEFAULT = new Temperature(1.0, 0.5, 1e-4);

    /** Validates the three numbers. */
    public Temperature {
        ConfigChecks.positiveFinite("Temperature", "initial", initial);
        ConfigChecks.positiveFinite("Temperature", "minimum", minimum);
        ConfigChecks.nonNegativeFinite("Temperature", "rate", rate);
        if (minimum > initial) throw new IllegalArgumentException("Temperature.minimum " + minimum + " must be at most the initial " + initial);
    }

    /**
     * {@return tau at an optimizer step}
     *
     * @param step the step (a huge step, as evaluation's, gives the minimum)
     */
    public double at(long step) {
        return Math.max(minimum, initial * Math.exp(-rate * (double) step));
    }
}
