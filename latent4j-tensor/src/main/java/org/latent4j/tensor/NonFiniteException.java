package org.latent4j.tensor;

/** Thrown in check mode ({@link NumericCheck}) by the first op whose output or gradient holds NaN or Inf. */
public class NonFiniteException extends ArithmeticException {
    /** The name of the op that produced the value. */
    private final String op;

    /**
     * Creates the exception.
     *
     * @param op the name of the op that produced the value
     * @param message what was found and where
     */
    public NonFiniteException(String op, String message) {
        super(message);
        this.op = op;
    }

    /**
     * Name of the op that produced the non-finite value.
     *
     * @return the op's name
     */
    public String op() {
        return op;
    }
}
