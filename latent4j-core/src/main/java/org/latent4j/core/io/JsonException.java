package org.latent4j.core.io;

/**
 * Malformed JSON text, a JSON value that does not fit what its reader expects, or a Java value that has no
 * JSON form. The message names the source (file) and where: a line and column for syntax errors, a key path
 * such as {@code encoder.hidden[1]} for values.
 */
public class JsonException extends IllegalArgumentException {
    /**
     * A JSON error.
     *
     * @param message names the source and where, then what is wrong
     */
    public JsonException(String message) {
        super(message);
    }

    /**
     * A JSON error found through another.
     *
     * @param message names the source and where, then what is wrong
     * @param cause   the error behind it
     */
    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
