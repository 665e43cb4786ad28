package org.latent4j.core.distributions;

import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LossOps;
import org.latent4j.tensor.random.Rng;

/**
 * A diagonal Gaussian over the last axis, N(mean, diag(exp(logVar))), e.g. an encoder's posterior
 * q(z|x) for a batch: mean and logVar are [batch, latent].
 *
 * @param mean   the means
 * @param logVar the log-variances, of the same shape
 */
public record DiagonalGaussian(Tensor mean, Tensor logVar) {
    /** Requires a mean and a log-variance of the same shape. */
    public DiagonalGaussian {
        if (!java.util.Arrays.equals(mean.shape(), logVar.shape())) {
            throw new org.latent4j.tensor.ShapeException("DiagonalGaussian: mean " + org.latent4j.tensor.Shape.str(mean.shape())
                    + " and logVar " + org.latent4j.tensor.Shape.str(logVar.shape()) + " differ");
        }
    }

    /**
     * {@return the standard normal N(0, I) of the given shape (the prior of most models)}
     *
     * @param shape its shape
     */
    public static DiagonalGaussian standard(int... shape) {
        return new DiagonalGaussian(Tensor.zeros(shape), Tensor.zeros(shape));
    }

    /**
     * {@return a reparameterised sample mean + exp(logVar / 2) * eps, differentiable in mean and logVar}
     *
     * @param rng draws eps
     */
    public Tensor rsample(Rng rng) {
        return rsample(rng.normal(0f, 1f, mean.shape()));
    }

    /**
     * {@return the reparameterised sample mean + exp(logVar / 2) * eps of given noise, differentiable in mean and logVar}
     * For noise drawn otherwise than in one tensor (e.g. row by row from per-row streams).
     *
     * @param eps standard normal noise, broadcasting against the mean ([k, ...shape of mean] for k samples)
     */
    public Tensor rsample(Tensor eps) {
        return mean.add(logVar.mul(0.5f).exp().mul(eps));
    }

    /**
     * {@return k reparameterised samples, shape [k, ...shape of mean]}
     *
     * @param rng draws the noise
     * @param k   how many samples
     */
    public Tensor rsample(Rng rng, int k) {
        int[] s = mean.shape();
        int[] ks = new int[s.length + 1];
        ks[0] = k;
        System.arraycopy(s, 0, ks, 1, s.length);
        return rsample(rng.normal(0f, 1f, ks));
    }

    /**
     * {@return log N(z; mean, var) summed over the last axis}
     *
     * @param z points of the distribution's shape, possibly with extra leading (sample) axes
     */
    public Tensor logProb(Tensor z) {
        return LossOps.gaussianLogDensity(z, mean, logVar);
    }

    /** {@return KL(this || N(0, I)) summed over the last axis} */
    public Tensor klToStandardNormal() {
        return LossOps.klStandardNormal(mean, logVar);
    }

    /** {@return KL(this || N(0, I)) per dimension (no sum), for per-dimension diagnostics and free bits} */
    public Tensor klToStandardNormalPerDim() {
        return LossOps.klStandardNormalPerDim(mean, logVar);
    }
}
