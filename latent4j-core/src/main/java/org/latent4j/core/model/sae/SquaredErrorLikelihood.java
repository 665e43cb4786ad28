package org.latent4j.core.model.sae;

import org.latent4j.core.distributions.Likelihood;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The likelihood under which a sparse autoencoder's squared-error loss is a negative log-likelihood: a Gaussian around
 * the decoder's output with one fixed variance, sigma^2 = 1 / (2 s^2) in data units, s the model's input scale (1 for a
 * model that does not rescale its inputs). Then
 * <pre>
 *   -log p(x | x^) = s^2 ||x - x^||^2 + (d / 2) log(pi / s^2),
 * </pre>
 * the squared error of the scaled data plus a constant: the loss these models minimise is this negative
 * log-likelihood without its constant (a constant changes no gradient), and the evaluation's NLL is this one, constant
 * included. The scale is read from the model's buffer whenever it is used, so it follows the model's initialisation and
 * loading.
 */
final class SquaredErrorLikelihood extends Likelihood {
    private final Tensor scale;

    /** @param scale a one-element tensor holding s (a buffer of the model, read at every use) */
    SquaredErrorLikelihood(Tensor scale) {
        this.scale = scale;
    }

    private float s() {
        return scale.data()[scale.offset()];
    }

    @Override
    public Tensor logProb(Tensor mean, Tensor x) {
        float s = s();
        int d = x.dim(x.rank() - 1);
        float constant = (float) (0.5 * d * Math.log(Math.PI / ((double) s * s)));
        return x.sub(mean).square().sum(-1, false).mul(-s * s).sub(constant);
    }

    @Override
    public Tensor mean(Tensor params) {
        return params;
    }

    @Override
    public Tensor sample(Tensor params, Rng rng) {
        float sigma = (float) (1 / (Math.sqrt(2) * s()));
        try (var noGrad = GradMode.disabled()) {
            return params.add(rng.normal(0f, sigma, params.shape()));
        }
    }

    @Override
    public String name() {
        return "squared-error";
    }

    @Override
    public void initialiseOutputBias(Tensor bias, float[] dataMean) {
        System.arraycopy(dataMean, 0, bias.data(), bias.offset(), dataMean.length);
    }
}
