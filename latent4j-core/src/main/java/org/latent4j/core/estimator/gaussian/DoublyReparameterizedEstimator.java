package org.latent4j.core.estimator.gaussian;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * "dreg", doubly reparameterized gradients for the importance-weighted bound (Tucker, Lawson, Gu and Maddison 2019,
 * "Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives"). With log w_i = log p(x, z_i) - log q(z_i|x)
 * and w~_i = w_i / sum_j w_j:
 * <pre>
 *   decoder: sum_i w~_i   d log w_i / d theta                       (the IWAE gradient itself)
 *   encoder: sum_i w~_i^2 d log w_i / d z_i  d z_i / d phi,  log q's parameters stopped in log w_i
 * </pre>
 * Applying the reparameterization trick a second time to the score term of the IWAE gradient turns it into the path
 * term weighted by w~_i^2 - w~_i; the estimator is unbiased, and the encoder's signal-to-noise ratio no longer falls as
 * k grows (Rainforth et al. 2018 showed the IWAE's does, as 1/sqrt(k)).
 *
 * <p>Both gradients come from one backward pass of the surrogate sum_i sg(w~_i) log w_i(z'_i), log q with stopped
 * parameters, where the decoder is fed z'_i = sg(z_i) + sg(w~_i) (z_i - sg(z_i)): the value is z_i and the gradient
 * reaching z_i is scaled by w~_i once more. As w~ needs the decoder's output, training applies the scale after the
 * forward pass ({@link DeferredGradientScale}); inside a {@link Surrogate#freeze()} (gradient checks) it runs the
 * decoder once more without gradients to know w~ first, so that the scale is in the surrogate's value. The loss's
 * value is the bound L_k, as reparam's.
 *
 * <p>For several layers (hvae: z1 ~ q(z1|x), z2 ~ q(z2|z1)) every layer's latent is fed to the weights through such a
 * scaled copy, while the sampling chain (z2 drawn from q(z2|z1) at the unscaled z1) keeps the plain one: the whole path
 * derivative of log w_i, through z2's dependence on z1 too, is then scaled once by w~_i.
 *
 * <p>No parameter; k is the model's sample count. With k = 1, w~ = 1 and dreg is stl. It applies to the
 * importance-weighted bound only: on the ELBO (each sample its own one-sample bound) it would be stl, so the ELBO's
 * models refuse it and name stl. Reports "ess", the effective sample size 1 / sum_i w~_i^2, averaged over the batch.
 */
public final class DoublyReparameterizedEstimator implements GaussianEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds it through {@code META-INF/services}. */
    public DoublyReparameterizedEstimator() {}

    /** Its name on the command line and in saved configs. */
    public static final String NAME = "dreg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "doubly reparameterized gradients for the importance-weighted bound: encoder gradient sum_i w~_i^2 dlog w_i/dz_i dz_i/dphi";
    }

    @Override
    public String reference() {
        return "Tucker, Lawson, Gu and Maddison 2019, Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives";
    }

    @Override
    public boolean serves(Bound bound) {
        return bound == Bound.IMPORTANCE_WEIGHTED;
    }

    @Override
    public Tensor klToStandardNormal(DiagonalGaussian q, Tensor z) {
        throw new UnsupportedOperationException("dreg applies to the importance-weighted bound, not to the ELBO's KL (use stl)");
    }

    @Override
    public Tensor klToStandardNormalPerDim(DiagonalGaussian q, Tensor z) {
        throw new UnsupportedOperationException("dreg applies to the importance-weighted bound, not to the ELBO's KL (use stl)");
    }

    @Override
    public SampledBound sampled(Bound bound, List<Tensor> z, Joint joint) {
        if (!serves(bound)) throw new UnsupportedOperationException("dreg applies to the importance-weighted bound, not to " + bound.words() + " (use stl)");
        int k = z.getFirst().dim(0), b = z.getFirst().dim(1);
        List<Tensor> fed = new ArrayList<>();
        Tensor weights, scale = null;
        if (Surrogate.frozen()) {
            // finite differences see only values: w~ must be known before the weights are built, so that it is in z'
            List<Tensor> z0 = new ArrayList<>();
            for (Tensor zl : z) z0.add(Surrogate.stopGradient(zl));
            Tensor logW0;
            try (var off = GradMode.disabled()) {
                logW0 = joint.evaluate(z0, true).logWeights();
            }
            weights = Surrogate.stopGradient(logW0.softmax(0));
            Tensor perSample = weights.reshape(k, b, 1);
            for (int l = 0; l < z.size(); l++) fed.add(z0.get(l).add(perSample.mul(z.get(l).sub(z0.get(l)))));
        } else {
            // training: one forward pass, the scale filled in once w~ is known, before the backward reads it
            weights = null;
            scale = Tensor.zeros(k, b, 1);
            for (Tensor zl : z) fed.add(DeferredGradientScale.apply(zl, scale));
        }
        LogWeights w = joint.evaluate(fed, true);
        Tensor logW = w.logWeights();
        if (scale != null) {
            weights = logW.detach().softmax(0);
            scale.copyFrom(weights.reshape(k, b, 1));
        }
        Tensor surrogate = weights.mul(logW).sum(0, false);
        Tensor value = logW.detach().logSumExp(0, false).sub((float) Math.log(k));
        return new SampledBound(StickingTheLandingEstimator.withValueOf(surrogate, value), w.logLikelihood(), Map.of("ess", effectiveSampleSize(weights)));
    }

    /** mean over the batch of 1 / sum_i w~_i^2, from normalized weights [k, b]. */
    static double effectiveSampleSize(Tensor normalized) {
        Tensor w = normalized.contiguous();
        int k = w.dim(0), b = w.dim(1);
        float[] d = w.data();
        int o = w.offset();
        double sum = 0;
        for (int j = 0; j < b; j++) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                double v = d[o + i * b + j];
                s += v * v;
            }
            sum += 1 / s;
        }
        return sum / b;
    }
}
