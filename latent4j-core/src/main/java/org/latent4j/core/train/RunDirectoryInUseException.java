package org.latent4j.core.train;

/** A run directory that another training run (of this process or another) is writing into; nothing was written. */
public final class RunDirectoryInUseException extends IllegalStateException {
    /**
     * Creates the exception.
     *
     * @param message which directory, and who holds it
     */
    public RunDirectoryInUseException(String message) {
        super(message);
    }
}
