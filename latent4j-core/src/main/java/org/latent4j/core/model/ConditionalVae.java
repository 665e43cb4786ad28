package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.random.Rng;

/**
 * The conditional VAE of Sohn, Lee and Yan (2015) in its common form: q(z|x, c) and p(x|z, c) see the
 * condition c concatenated to their inputs, the prior stays N(0, I), and the objective is the
 * {@link Vae}'s with every option of its config. Sampling with a chosen c generates that class.
 */
public final class ConditionalVae extends Vae {
    private final ConditionalVaeConfig config;

    public ConditionalVae(ConditionalVaeConfig config, Rng rng) {
        super("cvae", config.vae(), config.conditionDim(), false, rng);
        this.config = config;
    }

    @Override
    public Record config() {
        return config;
    }

    /** One-hot conditions [labels.length, conditionDim] for class labels. */
    public Tensor oneHot(int[] labels) {
        return IndexOps.oneHot(labels, config.conditionDim());
    }

    /** n samples from the prior decoded under class {@code label}: [n, d * p]. */
    public Tensor sampleClass(int label, int n, Rng rng) {
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, label);
        return samplePrior(n, oneHot(labels), rng);
    }
}
