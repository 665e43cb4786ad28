package org.latent4j.core.estimator.discrete;

import java.util.function.Function;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * What a {@link DiscreteGradientEstimator} is given for one batch.
 *
 * @param latents       the latent layer (family, sizes, prior)
 * @param x             the batch, [b, d]
 * @param logits        the encoder's output for it, [b, latents.logitWidth()], carrying the encoder's gradient
 * @param decoder       codes [..., latents.codeWidth()] to the likelihood's parameters [..., d * p], carrying the decoder's gradient
 * @param likelihood    p(x | parameters)
 * @param samples       latent samples per row (k)
 * @param temperature   the relaxation's temperature at this step (read by relaxed estimators)
 * @param statistics    the running statistics of the learning signal (read by score-function estimators)
 * @param inputBaseline NVIL's learned baseline b(x), [b], carrying the baseline network's gradient; null for a model without one
 * @param rng           the step's noise
 */
public record DiscreteProblem(DiscreteLatents latents, Tensor x, Tensor logits, Function<Tensor, Tensor> decoder, Likelihood likelihood, int samples,
                              double temperature, SignalStatistics statistics, Tensor inputBaseline, Rng rng) {
    /** Checks the shapes and counts. */
    public DiscreteProblem {
        if (x.rank() != 2 || logits.rank() != 2 || logits.dim(0) != x.dim(0) || logits.dim(1) != latents.logitWidth()) {
            throw new IllegalArgumentException("DiscreteProblem: logits " + org.latent4j.tensor.Shape.str(logits.shape()) + " must be [" + x.dim(0) + ", "
                    + latents.logitWidth() + "] for data " + org.latent4j.tensor.Shape.str(x.shape()));
        }
        if (samples < 1) throw new IllegalArgumentException("DiscreteProblem: samples must be >= 1, got " + samples);
        if (statistics == null) statistics = SignalStatistics.NONE;
    }

    /** {@return the rows of the batch} */
    public int batch() {
        return x.dim(0);
    }

    /**
     * log p(x | code) for codes [s, b, codeWidth], with the decoder's gradient (and the codes').
     *
     * @param codes the codes
     * @return [s, b]
     */
    public Tensor logLikelihood(Tensor codes) {
        return likelihood.logProb(decoder.apply(codes), x);
    }
}
