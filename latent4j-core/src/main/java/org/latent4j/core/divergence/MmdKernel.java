package org.latent4j.core.divergence;

import org.latent4j.tensor.Tensor;

/** The positive-definite kernels {@link KernelMmd} sums over its scales, both equal to 1 at distance 0. */
public enum MmdKernel {
    /**
     * The inverse multiquadratic kernel k(x, y) = C / (C + ||x - y||^2) of Tolstikhin et al. (2018): its heavy tails
     * keep a gradient between far-apart samples, where a Gaussian kernel's vanishes.
     */
    IMQ,
    /** The Gaussian kernel k(x, y) = exp(-||x - y||^2 / C). */
    RBF;

    /**
     * {@return the kernel of squared distances at scale C, element by element, differentiable in the distances}
     *
     * @param squaredDistances ||x - y||^2, any shape
     * @param c the scale C (> 0)
     */
    public Tensor of(Tensor squaredDistances, double c) {
        return switch (this) {
            case IMQ -> squaredDistances.add((float) c).pow(-1f).mul((float) c);
            case RBF -> squaredDistances.mul((float) (-1.0 / c)).exp();
        };
    }
}
