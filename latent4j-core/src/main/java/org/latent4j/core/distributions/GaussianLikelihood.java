package org.latent4j.core.distributions;

import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LossOps;
import org.latent4j.tensor.random.Rng;

/**
 * Gaussian pixels with the decoder output as mean and either a fixed variance or a learned per-feature
 * log-variance (a parameter of this module, not squashed: DL4J's tanh-squashed log-variance, stuck in
 * [-1, 1], is a known pitfall). A learned variance has a floor, {@link #MIN_LOG_VARIANCE} (standard deviation 0.001): on a
 * feature that never varies (a black border pixel) the likelihood otherwise grows without bound as its variance
 * shrinks, and the loss runs away to minus infinity.
 */
public final class GaussianLikelihood extends Likelihood {
    private final boolean learned;
    private final float fixedLogVar;
    private final Tensor logVar;

    /** The smallest log-variance a learned variance takes: log(1e-6), a standard deviation of 0.001. */
    public static final float MIN_LOG_VARIANCE = (float) Math.log(1e-6);

    private GaussianLikelihood(boolean learned, float fixedLogVar, int features) {
        this.learned = learned;
        this.fixedLogVar = fixedLogVar;
        this.logVar = learned ? parameter("log_var", Tensor.persistentZeros(features))
                // persistent, not pooled: the likelihood may be built inside a workspace scope and outlives it
                : Tensor.persistentZeros(1).fill(fixedLogVar);
    }

    /**
     * Fixed standard deviation sigma for every feature.
     *
     * @param sigma the standard deviation
     * @return the likelihood
     */
    public static GaussianLikelihood fixed(double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("Gaussian likelihood: sigma must be positive, got " + sigma);
        return new GaussianLikelihood(false, (float) (2 * Math.log(sigma)), 0);
    }

    /**
     * A learned log-variance per feature, starting at 0 (unit variance).
     *
     * @param features the number of data features
     * @return the likelihood
     */
    public static GaussianLikelihood learned(int features) {
        return new GaussianLikelihood(true, 0f, features);
    }

    /** {@return whether the variance is learned} */
    public boolean isLearned() {
        return learned;
    }

    /**
     * The log-variance used (learned per feature, floored at {@link #MIN_LOG_VARIANCE}; or the fixed value as a 1-element tensor).
     *
     * @return the log-variance
     */
    public Tensor logVar() {
        return learned ? logVar.clamp(MIN_LOG_VARIANCE, Float.POSITIVE_INFINITY) : logVar;
    }

    @Override
    public Tensor logProb(Tensor mean, Tensor x) {
        return LossOps.gaussianLogDensity(x, mean, logVar());
    }

    @Override
    public Tensor mean(Tensor params) {
        return params;
    }

    @Override
    public Tensor sample(Tensor params, Rng rng) {
        try (var ng = GradMode.disabled()) {
            return params.add(logVar().mul(0.5f).exp().mul(rng.normal(0f, 1f, params.shape())));
        }
    }

    @Override
    public String name() {
        return learned ? "gaussian-learned" : "gaussian-fixed";
    }

    /**
     * The fixed log-variance (meaningless when learned).
     *
     * @return the log-variance
     */
    public float fixedLogVariance() {
        return fixedLogVar;
    }

    @Override
    public void initialiseOutputBias(Tensor bias, float[] dataMean) {
        System.arraycopy(dataMean, 0, bias.data(), bias.offset(), dataMean.length);
    }
}
