package org.latent4j.core.distributions;

import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The reconstruction likelihood p(x|z) of a decoder, a choice on every model: the decoder outputs
 * {@link #parametersPerFeature()} values per data feature, and this turns them into a log-density
 * summed over the features (one value per sample; the batch mean is taken by the model).
 * A likelihood may own parameters (a learned variance), hence a {@link Module}.
 */
public abstract class Likelihood extends Module {
    /** For subclasses. */
    protected Likelihood() {}

    /**
     * Decoder outputs per data feature (1 for Bernoulli logits and Gaussians with a shared variance).
     *
     * @return the number of outputs per feature
     */
    public int parametersPerFeature() {
        return 1;
    }

    /**
     * log p(x | params) summed over the last axis: params [..., d * parametersPerFeature()], x [..., d].
     *
     * @param params the decoder's outputs
     * @param x the data
     * @return the log-probabilities, [...]
     */
    public abstract Tensor logProb(Tensor params, Tensor x);

    /**
     * The mean of p(x | params), e.g. the pixel probabilities, shape [..., d].
     *
     * @param params the decoder's outputs
     * @return the mean
     */
    public abstract Tensor mean(Tensor params);

    /**
     * A sample from p(x | params), no gradient.
     *
     * @param params the decoder's outputs
     * @param rng the random numbers
     * @return the sample, [..., d]
     */
    public abstract Tensor sample(Tensor params, Rng rng);

    /**
     * A short name for configs and reports: "bernoulli", "gaussian-fixed", "gaussian-learned".
     *
     * @return the name
     */
    public abstract String name();

    /**
     * Sets the output bias of a decoder so that the initial mean matches the data mean (IWAE paper).
     *
     * @param bias the decoder's output bias
     * @param dataMean the mean of each feature over the training data
     */
    public abstract void initialiseOutputBias(Tensor bias, float[] dataMean);
}
