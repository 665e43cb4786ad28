package org.latent4j.tensor.optim;

/**
 * Settings of {@link Sgd}, with PyTorch's meanings: the update direction is
 * d = g + weightDecay * p; with momentum, b = momentum * b + (1 - dampening) * d (b = d on a parameter's
 * first step) and d = b, or d = d + momentum * b when {@code nesterov}; then p -= learningRate * d.
 */
public record SgdOptions(double learningRate, double momentum, double dampening, double weightDecay, boolean nesterov) {

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

    /** Plain gradient descent at {@code learningRate}: no momentum, no weight decay. */
    public static SgdOptions of(double learningRate) {
        return new SgdOptions(learningRate, 0, 0, 0, false);
    }

    public SgdOptions withLearningRate(double value) {
        return new SgdOptions(value, momentum, dampening, weightDecay, nesterov);
    }

    public SgdOptions withMomentum(double value) {
        return new SgdOptions(learningRate, value, dampening, weightDecay, nesterov);
    }

    public SgdOptions withDampening(double value) {
        return new SgdOptions(learningRate, momentum, value, weightDecay, nesterov);
    }

    public SgdOptions withWeightDecay(double value) {
        return new SgdOptions(learningRate, momentum, dampening, value, nesterov);
    }

    public SgdOptions withNesterov(boolean value) {
        return new SgdOptions(learningRate, momentum, dampening, weightDecay, value);
    }
}
