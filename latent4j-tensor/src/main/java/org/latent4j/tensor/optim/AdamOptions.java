package org.latent4j.tensor.optim;

/**
 * Settings of {@link Adam} and {@link AdamW} (Kingma and Ba 2015). {@code weightDecay} is an L2 term added
 * to the gradient for Adam, and the decoupled decay p -= learningRate * weightDecay * p for AdamW.
 * {@link #DEFAULTS} are the paper's (and PyTorch's) values with no weight decay.
 *
 * @param learningRate the step size
 * @param beta1 the decay of the first-moment average
 * @param beta2 the decay of the second-moment average
 * @param eps added to the root of the second moment, against division by zero
 * @param weightDecay the L2 term (Adam) or decoupled decay rate (AdamW)
 */
public record AdamOptions(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
    public static final AdamOptions DEFAULTS = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0);
    /** PyTorch's AdamW defaults: as {@link #DEFAULTS} with weight decay 0.01. */
    public static final AdamOptions ADAMW_DEFAULTS = DEFAULTS.withWeightDecay(0.01);

    /** Checks each value's range. */
    public AdamOptions {
        OptionChecks.nonNegative("AdamOptions", "learningRate", learningRate);
        OptionChecks.inHalfOpenUnit("AdamOptions", "beta1", beta1);
        OptionChecks.inHalfOpenUnit("AdamOptions", "beta2", beta2);
        OptionChecks.nonNegative("AdamOptions", "eps", eps);
        OptionChecks.nonNegative("AdamOptions", "weightDecay", weightDecay);
    }

    /**
     * {@return these options with another learning rate}
     *
     * @param value the learning rate
     */
    public AdamOptions withLearningRate(double value) {
        return new AdamOptions(value, beta1, beta2, eps, weightDecay);
    }

    /**
     * {@return these options with other betas}
     *
     * @param b1 the first-moment decay
     * @param b2 the second-moment decay
     */
    public AdamOptions withBetas(double b1, double b2) {
        return new AdamOptions(learningRate, b1, b2, eps, weightDecay);
    }

    /**
     * {@return these options with another epsilon}
     *
     * @param value the epsilon
     */
    public AdamOptions withEps(double value) {
        return new AdamOptions(learningRate, beta1, beta2, value, weightDecay);
    }

    /**
     * {@return these options with another weight decay}
     *
     * @param value the weight decay
     */
    public AdamOptions withWeightDecay(double value) {
        return new AdamOptions(learningRate, beta1, beta2, eps, value);
    }
}
