package org.latent4j.compress;

/** Told how far a fit has gone, so a command line can draw a progress bar; called from the fitting thread. */
@FunctionalInterface
public interface FitProgress {
    /** Nothing reported. */
    FitProgress NONE = (stage, done, total) -> {};

    /**
     * {@code done} of {@code total} units (iterations, epochs, sub-spaces) of the named stage are finished.
     *
     * @param stage the stage's token
     * @param done  units finished
     * @param total units in all
     */
    void update(String stage, long done, long total);
}
