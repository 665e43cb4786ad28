package org.latent4j.core.estimator.discrete;

import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * "gumbel": the Gumbel-softmax / Concrete relaxation (Jang, Gu and Poole 2017; Maddison, Mnih and Teh 2017). The
 * decoder takes the relaxed sample y = softmax((log q + g) / tau) (for Bernoulli latents the binary Concrete
 * sigmoid((logit + L) / tau)), a differentiable function of the logits, and the loss is
 * -log p(x|y) + KL(q || p) with the categorical KL in closed form, as Jang et al. train their categorical VAE. Biased
 * (the decoder sees relaxed codes in training, one-hot codes at evaluation), lower variance than the score function;
 * the bias falls with the temperature, the variance rises. The temperature follows the model's {@link Temperature}
 * schedule.
 *
 * <p>The encoder's term is computed by a second decoder pass, log p(x|y) - log p(x|sg(y)), whose decoder gradients
 * cancel, so that the decoder's and the encoder's terms carry only their own gradients.
 */
public final class GumbelSoftmaxEstimator implements DiscreteGradientEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public GumbelSoftmaxEstimator() {}

    @Override
    public String name() {
        return "gumbel";
    }

    @Override
    public String summary() {
        return "Gumbel-softmax / Concrete relaxation: the decoder takes the relaxed sample (biased, low variance; --tau schedule)";
    }

    @Override
    public String reference() {
        return "Jang, Gu and Poole 2017, Categorical reparameterization with Gumbel-softmax; Maddison, Mnih and Teh 2017, The Concrete distribution";
    }

    @Override
    public Set<LatentFamily> families() {
        return EstimatorTerms.BOTH;
    }

    @Override
    public boolean relaxed() {
        return true;
    }

    @Override
    public DiscreteEstimate estimate(DiscreteProblem p) {
        DiscreteLatents latents = p.latents();
        Tensor table = latents.logTable(p.logits());
        DiscreteLatents.Relaxed r = latents.relaxed(table, p.samples(), p.temperature(), p.rng());
        Tensor soft = r.soft();
        Tensor lpxDecoder = p.logLikelihood(latents.code(Surrogate.stopGradient(soft)));
        Tensor lpxEncoder = p.logLikelihood(latents.code(soft));
        return RelaxedTerms.of(p, table, lpxDecoder, lpxEncoder);
    }
}
