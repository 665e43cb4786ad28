package org.latent4j.core.estimator.discrete;

import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * "gumbel-st": straight-through Gumbel-softmax (Jang, Gu and Poole 2017, Section 2.2): the decoder takes the hard
 * one-hot sample z = argmax(log q + g) (a sample of q), and the gradient is the relaxed sample's:
 * z = onehot + (y - sg(y)), whose value is exactly the one-hot. Biased; the decoder is trained on the codes it is
 * evaluated on. The temperature (of the backward pass only) follows the model's {@link Temperature} schedule.
 */
public final class StraightThroughGumbelEstimator implements DiscreteGradientEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public StraightThroughGumbelEstimator() {}

    @Override
    public String name() {
        return "gumbel-st";
    }

    @Override
    public String summary() {
        return "straight-through Gumbel-softmax: hard one-hot codes forward, the relaxed sample's gradient backward (--tau schedule)";
    }

    @Override
    public String reference() {
        return "Jang, Gu and Poole 2017, Categorical reparameterization with Gumbel-softmax (straight-through variant)";
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
        Tensor hard = latents.indicator(r.hard(), p.samples(), p.batch());
        // y - sg(y) is exactly 0 in value, so the forward code is exactly the one-hot
        Tensor straightThrough = hard.add(EstimatorTerms.gradientOnly(r.soft()));
        Tensor lpxDecoder = p.logLikelihood(latents.code(hard));
        Tensor lpxEncoder = p.logLikelihood(latents.code(straightThrough));
        return RelaxedTerms.of(p, table, lpxDecoder, lpxEncoder);
    }
}
