package org.latent4j.tensor;

/** Thrown in check mode ({@link NumericCheck}) by the first op whose output or gradient holds NaN or Inf. */
public class NonFiniteException extends ArithmeticException {
    private final String op;

    public NonFiniteException(String op, String message) {
        super(message);
        this.op = op;
    }

    /** Name of the op that produced the non-finite value. */
    public String op() {
        return op;
    }
}
