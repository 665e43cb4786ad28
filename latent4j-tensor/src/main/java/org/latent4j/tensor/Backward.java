package org.latent4j.tensor;

/**
 * The backward of one op: given the gradient of the loss with respect to the op's output, add the
 * gradients with respect to its inputs with {@link Autograd#accumulate} (graph recording is off while it
 * runs, so it may use any op).
 */
@FunctionalInterface
public interface Backward {
    /**
     * Accumulates the inputs' gradients given the output's.
     *
     * @param gradOutput the gradient of the loss with respect to the op's output
     */
    void apply(Tensor gradOutput);
}
