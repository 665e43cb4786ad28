package org.latent4j.core.estimator.discrete;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Tensor;

/**
 * "reinforce": the score-function (likelihood-ratio) estimator of Williams (1992) with a running-mean baseline. The
 * KL to the uniform prior is taken in closed form (its gradient is exact), so the learning signal is log p(x|z) alone:
 * <pre>
 *   grad_encoder = mean over k samples z ~ q of (log p(x|z) - c) grad log q(z|x)  -  grad KL(q || p)
 *   grad_decoder = mean over the samples of grad log p(x|z)
 * </pre>
 * c is the running mean of the signal over past batches ({@link SignalStatistics}, decay {@value SignalStatistics#DECAY};
 * 0 before the first batch), kept in the model's buffer so a resumed run continues exactly. It is a constant during the
 * step, so the estimate stays unbiased.
 */
public final class ReinforceEstimator implements DiscreteGradientEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public ReinforceEstimator() {}

    @Override
    public String name() {
        return "reinforce";
    }

    @Override
    public String summary() {
        return "score function (REINFORCE) with a running-mean baseline; unbiased, high variance";
    }

    @Override
    public String reference() {
        return "Williams 1992, Simple statistical gradient-following algorithms for connectionist reinforcement learning";
    }

    @Override
    public Set<LatentFamily> families() {
        return EstimatorTerms.BOTH;
    }

    @Override
    public DiscreteEstimate estimate(DiscreteProblem p) {
        DiscreteLatents latents = p.latents();
        int b = p.batch(), s = p.samples();
        Tensor table = latents.logTable(p.logits());
        Tensor indicator = latents.indicator(latents.sample(table, s, p.rng()), s, b);
        Tensor lpx = p.logLikelihood(latents.code(indicator));
        Tensor logq = latents.logProb(table, indicator);
        float[] signal = EstimatorTerms.constant(lpx);
        double c = p.statistics().count() == 0 ? 0 : p.statistics().mean();
        float[] advantage = new float[signal.length];
        for (int i = 0; i < signal.length; i++) advantage[i] = (float) (signal[i] - c);
        Tensor decoder = lpx.mean().neg();
        Tensor kl = latents.kl(table).mean();
        Tensor encoder = EstimatorTerms.scoreFunction(advantage, logq).add(kl);
        DiscreteEstimate.Signal moments = EstimatorTerms.moments(signal);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("baseline", c);
        Tensor recon = org.latent4j.tensor.Surrogate.stopGradient(decoder);
        return new DiscreteEstimate(decoder, encoder, null, recon, org.latent4j.tensor.Surrogate.stopGradient(kl), -(recon.item() + kl.item()), metrics, moments);
    }
}
