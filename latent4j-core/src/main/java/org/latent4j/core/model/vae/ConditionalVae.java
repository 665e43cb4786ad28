package org.latent4j.core.model.vae;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The conditional VAE of Sohn, Lee and Yan (2015) in its common form: q(z|x, c) and p(x|z, c) see the
 * condition c concatenated to their inputs, the prior stays N(0, I), and the objective is the
 * {@link Vae}'s with every option of its config. Sampling with a chosen c generates that class.
 */
public final class ConditionalVae extends Vae {
    private final ConditionalVaeConfig config;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the architecture and the number of classes
     * @param rng draws the initial weights
     */
    public ConditionalVae(ConditionalVaeConfig config, Rng rng) {
        super(ConditionalVaeKind.NAME, config.vae(), config.conditionDim(), false, rng);
        this.config = config;
    }

    @Override
    public Record config() {
        return config;
    }

    /** The condition is the one-hot of a class label, so its width is the number of classes. */
    @Override
    public int conditionClasses() {
        return config.conditionDim();
    }

    /**
     * n samples from the prior decoded under class {@code label}: [n, d * p].
     *
     * @param label the class
     * @param n the number of samples
     * @param rng draws the samples
     * @return the likelihood parameters
     */
    public Tensor sampleClass(int label, int n, Rng rng) {
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, label);
        return samplePrior(n, labelCondition(labels), rng);
    }
}
