package org.latent4j.core.distributions;

import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LossOps;
import org.latent4j.tensor.random.Rng;

/** Independent Bernoulli pixels given as logits; log p = -BCE-with-logits, computed stably in one fused op. */
public final class BernoulliLikelihood extends Likelihood {
    /** The likelihood has no parameters of its own: the decoder gives the logits. */
    public BernoulliLikelihood() {}

    @Override
    public Tensor logProb(Tensor logits, Tensor x) {
        // x [b, d] serves all k samples of logits [k, b, d] without a broadcast copy
        return LossOps.bceWithLogitsSum(logits, x).neg();
    }

    @Override
    public Tensor mean(Tensor logits) {
        return logits.sigmoid();
    }

    @Override
    public Tensor sample(Tensor logits, Rng rng) {
        try (var ng = GradMode.disabled()) {
            return rng.bernoulli(logits.sigmoid());
        }
    }

    @Override
    public String name() {
        return "bernoulli";
    }

    @Override
    public void initialiseOutputBias(Tensor bias, float[] dataMean) {
        float[] b = bias.data();
        for (int i = 0; i < dataMean.length; i++) {
            // clip as in the IWAE paper so that all-black pixels do not give an infinite logit
            double p = Math.min(1 - 1e-3, Math.max(1e-3, dataMean[i]));
            b[bias.offset() + i] = (float) Math.log(p / (1 - p));
        }
    }
}
