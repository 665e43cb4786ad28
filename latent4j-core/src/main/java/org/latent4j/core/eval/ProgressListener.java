package org.latent4j.core.eval;

/**
 * Told how far a long evaluation has got, e.g. to draw a progress bar. Calls may come from engine worker
 * threads, but never concurrently, and {@code done} never decreases from one call to the next.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * {@code done} of {@code total} units (examples for the log-likelihood) are finished.
     *
     * @param done the units finished
     * @param total the units in all
     */
    void progress(long done, long total);

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};
}
