package org.latent4j.core.estimator.discrete;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.ShapeOps;

/**
 * "exact": no estimate at all: E_q[log p(x|z)] summed over every joint configuration z of the latents, weighted by
 * q(z|x), so the ELBO and its gradient are exact. Feasible only for few configurations (K^n, 2^D): at most
 * {@value #LIMIT}, larger layers are refused. The reference the other estimators are tested against; also a way to
 * train a tiny discrete model without gradient noise. Samples (k) are not used.
 */
public final class ExactEnumerationEstimator implements DiscreteGradientEstimator {
    /** The most configurations it sums over. */
    public static final long LIMIT = 4096;
    /** Decoder outputs scored per chunk (configurations x rows x features), to bound memory. */
    private static final long CHUNK_ELEMENTS = 1L << 22;

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public ExactEnumerationEstimator() {}

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public String summary() {
        return "exact ELBO gradient by summing over all configurations of the latents (at most " + LIMIT + ")";
    }

    @Override
    public String reference() {
        return "exact enumeration of E_q (the reference of the other estimators' tests)";
    }

    @Override
    public Set<LatentFamily> families() {
        return EstimatorTerms.BOTH;
    }

    @Override
    public DiscreteEstimate estimate(DiscreteProblem p) {
        DiscreteLatents latents = p.latents();
        int b = p.batch(), n = latents.variables(), k = latents.categories();
        Tensor table = latents.logTable(p.logits());
        int[] configs = latents.enumerate(LIMIT);
        int c = configs.length / n;
        Tensor indicator = latents.indicator(configs, c, 1).reshape(c, n * k);
        // log q(z|x) of every configuration: the indicator picks one table entry per variable
        Tensor logq = indicator.matmul(table.reshape(b, n * k).t());
        Tensor params = p.decoder().apply(latents.code(indicator.reshape(c, n, k)));
        int width = params.dim(1);
        int chunk = (int) Math.max(1, Math.min(c, CHUNK_ELEMENTS / ((long) b * width)));
        List<Tensor> parts = new ArrayList<>();
        for (int from = 0; from < c; from += chunk) {
            int to = Math.min(c, from + chunk);
            Tensor pc = params.slice(0, from, to).reshape(to - from, 1, width).expand(to - from, b, width).contiguous();
            parts.add(p.likelihood().logProb(pc, p.x()));
        }
        Tensor lpx = parts.size() == 1 ? parts.getFirst() : ShapeOps.concat(0, parts.toArray(Tensor[]::new));
        Tensor q = logq.exp();
        Tensor qFixed = Surrogate.stopGradient(q), lpxFixed = Surrogate.stopGradient(lpx);
        Tensor decoder = qFixed.mul(lpx).sum(0, false).mean().neg();
        Tensor kl = latents.kl(table).mean();
        Tensor encoder = EstimatorTerms.gradientOnly(q).mul(lpxFixed).sum(0, false).mean().neg().add(kl);
        Tensor recon = Surrogate.stopGradient(decoder);
        Map<String, Double> metrics = new LinkedHashMap<>();
        return new DiscreteEstimate(decoder, encoder, null, recon, Surrogate.stopGradient(kl), -(recon.item() + kl.item()), metrics, null);
    }
}
