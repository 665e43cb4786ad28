package org.latent4j.core.estimator.discrete;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * "nvil": neural variational inference and learning (Mnih and Gregor 2014): the score-function estimator with their
 * three variance reductions, on the learning signal l = log p(x|z) (the KL is in closed form, as for
 * {@link ReinforceEstimator}):
 * <ul>
 * <li>signal centering by c, the running mean of l - b(x) ({@link SignalStatistics}, decay {@value SignalStatistics#DECAY});</li>
 * <li>an input-dependent baseline b(x), the model's baseline network (one hidden layer of 100 tanh units, as in the
 *     paper), trained to minimise E[(l - c - b(x))^2];</li>
 * <li>variance normalisation: the centered signal is divided by max(1, sqrt(v)), v the running variance of l - b(x).</li>
 * </ul>
 * The encoder's gradient is [mean over samples of (l - c - b(x)) grad log q(z|x) - grad KL] / max(1, sqrt(v)): the
 * normaliser divides the whole of it. The baselines do not depend on the sample, so it is unbiased for the ELBO's
 * encoder gradient divided by max(1, sqrt(v)) (a step-size rescaling, which Adam largely undoes); the decoder's
 * gradient is not rescaled.
 */
public final class NvilEstimator implements DiscreteGradientEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public NvilEstimator() {}

    @Override
    public String name() {
        return "nvil";
    }

    @Override
    public String summary() {
        return "score function with a learned input-dependent baseline, signal centering and variance normalisation (NVIL)";
    }

    @Override
    public String reference() {
        return "Mnih and Gregor 2014, Neural variational inference and learning in belief networks";
    }

    @Override
    public Set<LatentFamily> families() {
        return EstimatorTerms.BOTH;
    }

    @Override
    public boolean usesInputBaseline() {
        return true;
    }

    @Override
    public DiscreteEstimate estimate(DiscreteProblem p) {
        if (p.inputBaseline() == null) throw new IllegalArgumentException("nvil needs the model's input-dependent baseline b(x)");
        DiscreteLatents latents = p.latents();
        int b = p.batch(), s = p.samples();
        Tensor table = latents.logTable(p.logits());
        Tensor indicator = latents.indicator(latents.sample(table, s, p.rng()), s, b);
        Tensor lpx = p.logLikelihood(latents.code(indicator));
        Tensor logq = latents.logProb(table, indicator);
        float[] signal = EstimatorTerms.constant(lpx);
        float[] bx = EstimatorTerms.constant(p.inputBaseline());
        SignalStatistics stats = p.statistics();
        double c = stats.count() == 0 ? 0 : stats.mean(), scale = stats.scale();
        float[] residual = new float[signal.length], advantage = new float[signal.length];
        for (int i = 0; i < signal.length; i++) {
            residual[i] = signal[i] - bx[i % b];
            advantage[i] = (float) ((residual[i] - c) / scale);
        }
        // the baseline network learns l - c: value 0 in the loss, its gradient the regression's
        Tensor target = Tensor.of(signal, s, b).sub((float) c);
        Tensor regression = target.sub(p.inputBaseline()).square().mean();
        Tensor baseline = EstimatorTerms.gradientOnly(regression);
        Tensor decoder = lpx.mean().neg();
        Tensor kl = latents.kl(table).mean();
        // the normaliser divides the encoder's whole gradient (the KL's too), so the estimate stays the ELBO's gradient
        // rescaled; the KL's value is kept
        Tensor encoder = EstimatorTerms.scoreFunction(advantage, logq).add(kl.mul((float) (1 / scale)))
                .add(Surrogate.stopGradient(kl).mul((float) (1 - 1 / scale)));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("baseline_mse", (double) regression.item());
        metrics.put("signal_scale", scale);
        Tensor recon = Surrogate.stopGradient(decoder);
        return new DiscreteEstimate(decoder, encoder, baseline, recon, Surrogate.stopGradient(kl), -(recon.item() + kl.item()), metrics,
                EstimatorTerms.moments(residual));
    }
}
