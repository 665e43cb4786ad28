package org.latent4j.tensor.optim;

/**
 * Settings of {@link Sgd}, with PyTorch's meanings: the update direction is
 * d = g + weightDecay * p; with momentum, b = momentum * b + (1 - dampening) * d (b = d on a parameter's
 * first step) and d = b, or d = d + momentum * b when {@code nesterov}; then p -= learningRate * d.
 *
 * @param learningRate the step size
 * @param momentum the momentum factor, 0 for none
 * @param dampening the share of the gradient left out of the momentum buffer
 * @param weightDecay the L2 term added to the gradient
 * @param nesterov whether to use Nesterov momentum
 */
public record SgdOptions(double learningRate, double momentum, double dampening, double weightDecay, boolean nesterov) {

    /** Checks each value's range. */
    public SgdOptions {
        OptionChecks.nonNegative("SgdOptions", "learningRate", learningRate);
        OptionChecks.nonNegative("SgdOptions", "momentum", momentum);
        OptionChecks.inClosedUnit("SgdOptions", "dampening", dampening);
        OptionChecks.nonNegative("SgdOptions", "weightDecay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SgdOptions: nesterov needs momentum > 0 and dampening = 0, got momentum=" + momentum
                    + ", dampening=" + dampening);
        }
    }

    /**
     * Plain gradient descent at {@code learningRate}: no momentum, no weight decay.
     *
     * @param learningRate the step size
     * @return the options
     */
    public static SgdOptions of(double learningRate) {
        return new SgdOptions(learningRate, 0, 0, 0, false);
    }

    /**
     * {@return these options with another learning rate}
     *
     * @param value the learning rate
     */
    public SgdOptions withLearningRate(double value) {
        return new SgdOptions(value, momentum, dampening, weightDecay, nesterov);
    }

    /**
     * {@return these options with another momentum}
     *
     * @param value the momentum
     */
    public SgdOptions withMomentum(double value) {
        return new SgdOptions(learningRate, value, dampening, weightDecay, nesterov);
    }

    /**
     * {@return these options with another dampening}
     *
     * @param value the dampening
     */
    public SgdOptions withDampening(double value) {
        return new SgdOptions(learningRate, momentum, value, weightDecay, nesterov);
    }

    /**
     * {@return these options with another weight decay}
     *
     * @param value the weight decay
     */
    public SgdOptions withWeightDecay(double value) {
        return new SgdOptions(learningRate, momentum, dampening, value, nesterov);
    }

    /**
     * {@return these options with or without Nesterov momentum}
     *
     * @param value whether to use it
     */
    public SgdOptions withNesterov(boolean value) {
        return new SgdOptions(learningRate, momentum, dampening, weightDecay, value);
    }
}
