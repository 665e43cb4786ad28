package org.latent4j.core.train;

/** A run directory that another training run (of this process or another) is writing into; nothing was written. */
public final class RunDirectoryInUseException extends IllegalStateException {
    /**
     * Creates the exception.
     *
     * @param message which directory is in use
     */
    public RunDirectoryInUseException(String message) {
        super(message);
    }
}
