package org.latent4j.core.estimator.discrete;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/** The terms of the two Gumbel-softmax estimators from their two decoder passes. */
final class RelaxedTerms {
    private RelaxedTerms() {}

    /**
     * @param lpxDecoder log p(x|code) with the code held still: the decoder's gradient, [s, b]
     * @param lpxEncoder the same value with the code's gradient to the logits, [s, b]; its decoder gradient cancels
     *                   against lpxDecoder's
     */
    static DiscreteEstimate of(DiscreteProblem p, Tensor table, Tensor lpxDecoder, Tensor lpxEncoder) {
        Tensor decoder = lpxDecoder.mean().neg();
        Tensor kl = p.latents().kl(table).mean();
        Tensor encoder = lpxEncoder.sub(lpxDecoder).mean().neg().add(kl);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("temperature", p.temperature());
        Tensor recon = Surrogate.stopGradient(decoder);
        return new DiscreteEstimate(decoder, encoder, null, recon, Surrogate.stopGradient(kl), -(recon.item() + kl.item()), metrics, null);
    }
}
