package org.latent4j.core.estimator.discrete;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * "vimco": variational inference for Monte Carlo objectives (Mnih and Rezende 2016): the k-sample bound
 * L = log (1/k) sum_i w_i, w_i = p(x, z_i) / q(z_i|x), z_i ~ q independent, with the leave-one-out baselines of the
 * paper's Eq. (9)-(10): sample i's learning signal is L - L_{-i}, where L_{-i} replaces w_i by the geometric mean of
 * the other k - 1 weights. The gradient
 * <pre>
 *   sum_i (L - L_{-i}) grad log q(z_i|x)  +  sum_i w~_i grad log w_i,   w~_i = w_i / sum_j w_j
 * </pre>
 * is unbiased for the gradient of E[L]. Needs k >= 2 ({@code --k}, default 5 for it); the loss is -L, so the
 * training curve reports the bound, not the ELBO.
 */
public final class VimcoEstimator implements DiscreteGradientEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public VimcoEstimator() {}

    @Override
    public String name() {
        return "vimco";
    }

    @Override
    public String summary() {
        return "k-sample bound with leave-one-out baselines (VIMCO); needs --k >= 2";
    }

    @Override
    public String reference() {
        return "Mnih and Rezende 2016, Variational inference for Monte Carlo objectives";
    }

    @Override
    public Set<LatentFamily> families() {
        return EstimatorTerms.BOTH;
    }

    @Override
    public boolean multiSampleBound() {
        return true;
    }

    @Override
    public int minimumSamples() {
        return 2;
    }

    @Override
    public DiscreteEstimate estimate(DiscreteProblem p) {
        DiscreteLatents latents = p.latents();
        int b = p.batch(), k = p.samples();
        if (k < 2) throw new IllegalArgumentException("vimco needs at least 2 samples per row (--k), got " + k);
        Tensor table = latents.logTable(p.logits());
        Tensor indicator = latents.indicator(latents.sample(table, k, p.rng()), k, b);
        Tensor lpx = p.logLikelihood(latents.code(indicator));
        Tensor logq = latents.logProb(table, indicator);
        float logPrior = (float) latents.logPrior();
        Tensor lpxFixed = Surrogate.stopGradient(lpx), logqFixed = Surrogate.stopGradient(logq);
        float logK = (float) Math.log(k);
        // the decoder's part: the bound with q held still; the encoder's: its path through -log q, plus the baselines' term
        Tensor boundDecoder = lpx.sub(logqFixed).add(logPrior).logSumExp(0, false).sub(logK);
        Tensor boundEncoder = lpxFixed.sub(logq).add(logPrior).logSumExp(0, false).sub(logK);
        float[] w = EstimatorTerms.constant(lpxFixed.sub(logqFixed).add(logPrior));
        float[] signal = leaveOneOutSignals(w, k, b);
        Tensor scores = Tensor.of(signal, k, b).mul(EstimatorTerms.gradientOnly(logq)).sum(0, false).mean().neg();
        Tensor decoder = boundDecoder.mean().neg();
        Tensor encoder = EstimatorTerms.gradientOnly(boundEncoder).mean().neg().add(scores);
        Tensor kl = Surrogate.stopGradient(latents.kl(table).mean());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Tensor recon = Surrogate.stopGradient(lpx.mean().neg());
        return new DiscreteEstimate(decoder, encoder, null, recon, kl, -Surrogate.stopGradient(decoder).item(), metrics, null);
    }

    /**
     * L - L_{-i} for every sample i and row, from log weights [k, b]: L_{-i} is the bound with log w_i replaced by the
     * mean of the other log weights. In double, with the maximum shifted out.
     */
    static float[] leaveOneOutSignals(float[] w, int k, int b) {
        float[] out = new float[k * b];
        double[] lw = new double[k];
        for (int r = 0; r < b; r++) {
            double sum = 0;
            for (int i = 0; i < k; i++) {
                lw[i] = w[i * b + r];
                sum += lw[i];
            }
            double bound = logMeanExp(lw, -1, 0);
            for (int i = 0; i < k; i++) {
                double others = (sum - lw[i]) / (k - 1);
                out[i * b + r] = (float) (bound - logMeanExp(lw, i, others));
            }
        }
        return out;
    }

    /** log mean exp of lw, with lw[replace] taken as {@code with} (replace -1: none). */
    private static double logMeanExp(double[] lw, int replace, double with) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < lw.length; i++) max = Math.max(max, i == replace ? with : lw[i]);
        double acc = 0;
        for (int i = 0; i < lw.length; i++) acc += Math.exp((i == replace ? with : lw[i]) - max);
        return max + Math.log(acc / lw.length);
    }
}
