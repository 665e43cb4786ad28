package org.latent4j.tensor;

/** A tensor shape does not fit an op; the message names the op and the shapes involved. */
public class ShapeException extends IllegalArgumentException {
    /**
     * Creates the exception.
     *
     * @param message which op, and the shapes it was given
     */
    public ShapeException(String message) {
        super(message);
    }
}
