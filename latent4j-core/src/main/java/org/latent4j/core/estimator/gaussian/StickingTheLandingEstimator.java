package org.latent4j.core.estimator.gaussian;

import java.util.Map;
import java.util.List;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.LossOps;

/**
 * "stl", sticking the landing (Roeder, Wu and Duvenaud 2017, "Sticking the Landing: Simple, Lower-Variance Gradient
 * Estimators for Variational Inference"): log q(z|x) is evaluated with q's parameters behind a stop-gradient while z
 * keeps its path to them, which drops the score term E_q[d/dphi log q_phi(z)] (zero in expectation) from the encoder's
 * gradient. What is left, the path derivative, vanishes at every draw when q is the exact posterior, so the variance
 * of the encoder's gradient falls to zero as q approaches it.
 *
 * <ul>
 *   <li>The ELBO: the KL term becomes its sampled form mean_i [log q_sg(z_i|x) - log p(z_i)] in gradient, unbiased; its
 *       value stays the closed form (the sampled form differs from it only by a stopped constant), so free bits, the
 *       capacity schedule, warm-up and beta weigh it as they weigh reparam's.</li>
 *   <li>A bound sampled whole: log q_sg in every weight (for a layer conditioned on another, its network's
 *       parameters stopped and its input kept). On the sampled ELBO (hvae) it is unbiased. On the importance-weighted
 *       bound its decoder gradient is the IWAE's and its encoder gradient is <em>biased</em> for k &gt; 1 (Tucker, Lawson,
 *       Gu and Maddison 2019, section 4: the score terms weighted by the normalized weights do not vanish in
 *       expectation); use dreg for an unbiased one. With k = 1 it is the ELBO's STL and equals dreg.</li>
 * </ul>
 * No parameter. Reports "ess" on the importance-weighted bound: the effective sample size 1 / sum_i w~_i^2 of the
 * normalized weights, averaged over the batch (between 1 and k).
 */
public final class StickingTheLandingEstimator implements GaussianEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds it through {@code META-INF/services}. */
    public StickingTheLandingEstimator() {}

    /** Its name on the command line and in saved configs. */
    public static final String NAME = "stl";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "sticking the landing: log q(z|x) with q's parameters stopped (score term dropped); zero variance at the exact posterior";
    }

    @Override
    public String reference() {
        return "Roeder, Wu and Duvenaud 2017, Sticking the Landing: Simple, Lower-Variance Gradient Estimators for Variational Inference";
    }

    @Override
    public boolean serves(Bound bound) {
        return true;
    }

    @Override
    public Tensor klToStandardNormal(DiagonalGaussian q, Tensor z) {
        DiagonalGaussian standard = DiagonalGaussian.standard(q.mean().dim(q.mean().rank() - 1));
        Tensor sampled = GaussianEstimator.stopped(q).logProb(z).sub(standard.logProb(z)).mean(0, false);
        return withValueOf(sampled, q.klToStandardNormal());
    }

    @Override
    public Tensor klToStandardNormalPerDim(DiagonalGaussian q, Tensor z) {
        DiagonalGaussian s = GaussianEstimator.stopped(q);
        Tensor zeros = Tensor.zeros(q.mean().dim(q.mean().rank() - 1));
        Tensor sampled = LossOps.gaussianLogDensityPerElement(z, s.mean(), s.logVar()).sub(LossOps.gaussianLogDensityPerElement(z, zeros, zeros)).mean(0, false);
        return withValueOf(sampled, q.klToStandardNormalPerDim());
    }

    @Override
    public SampledBound sampled(Bound bound, List<Tensor> z, Joint joint) {
        LogWeights w = joint.evaluate(z, true);
        Map<String, Double> metrics = bound == Bound.IMPORTANCE_WEIGHTED
                ? Map.of("ess", DoublyReparameterizedEstimator.effectiveSampleSize(w.logWeights().detach().softmax(0)))
                : Map.of();
        return new SampledBound(ReparameterizationEstimator.reduce(bound, w.logWeights()), w.logLikelihood(), metrics);
    }

    /** {@code gradient}'s gradient with {@code value}'s value: gradient + sg(value - gradient). */
    static Tensor withValueOf(Tensor gradient, Tensor value) {
        return gradient.add(Surrogate.stopGradient(value.detach().sub(gradient.detach())));
    }
}
