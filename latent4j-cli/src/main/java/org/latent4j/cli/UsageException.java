package org.latent4j.cli;

/** A wrong option or unusable input: printed as one line, exit code 2, never a stack trace. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
