package org.latent4j.core.nn;

import java.util.List;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A conditional diagonal Gaussian N(mean(h), diag(var(h))) computed by an MLP whose last layer has two
 * heads side by side (means, then the log-variance or log-std): an encoder q(z|x), or a stochastic layer
 * p(z1|z2) of a hierarchical decoder. With no hidden layers it is affine, which the linear-Gaussian (PPCA)
 * case needs.
 */
public final class GaussianMlp extends Module {
    private final Mlp net;
    private final int inputDim;
    private final int outputDim;
    private final PosteriorParameterisation parameterisation;

    /**
     * Creates the network with fresh weights.
     *
     * @param inputDim the input's width
     * @param hidden the hidden sizes
     * @param outputDim the Gaussian's dimensions
     * @param activation the hidden non-linearity
     * @param parameterisation how the variance head is read
     * @param rng draws the initial weights
     */
    public GaussianMlp(int inputDim, List<Integer> hidden, int outputDim, Activation activation,
                       PosteriorParameterisation parameterisation, Rng rng) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.parameterisation = parameterisation;
        this.net = child("net", new Mlp(inputDim, hidden.stream().mapToInt(Integer::intValue).toArray(), 2 * outputDim, activation, rng));
    }

    /**
     * The Gaussian for inputs h [..., inputDim]; mean and log-variance are [..., outputDim].
     *
     * @param h the inputs
     * @return the Gaussian
     */
    public DiagonalGaussian forward(Tensor h) {
        if (h.dim(h.rank() - 1) != inputDim) {
            throw new org.latent4j.tensor.ShapeException("GaussianMlp: input " + org.latent4j.tensor.Shape.str(h.shape())
                    + " must end in " + inputDim + " features");
        }
        Tensor out = net.forward(h);
        Tensor mean = out.slice(-1, 0, outputDim);
        Tensor head = out.slice(-1, outputDim, 2 * outputDim);
        return new DiagonalGaussian(mean, parameterisation.logVariance(head));
    }

    /**
     * {@return the distribution of {@link #forward} with the network's parameters behind a stop-gradient: its mean and
     * variance still depend on the input h, with a gradient, but not on the weights}
     *
     * @param h the input, [..., inputDim]
     */
    public DiagonalGaussian forwardWithStoppedParameters(Tensor h) {
        Tensor out = net.forwardWithStoppedParameters(h);
        return new DiagonalGaussian(out.slice(-1, 0, outputDim), parameterisation.logVariance(out.slice(-1, outputDim, 2 * outputDim)));
    }

    /**
     * The last affine layer: columns [0, outputDim) give the mean, the rest the variance head.
     *
     * @return the layer
     */
    public Linear outputLayer() {
        return net.outputLayer();
    }

    /** {@return the input's width} */
    public int inputDim() {
        return inputDim;
    }

    /** {@return the Gaussian's dimensions} */
    public int outputDim() {
        return outputDim;
    }

    /** {@return how the variance head is read} */
    public PosteriorParameterisation parameterisation() {
        return parameterisation;
    }
}
