package org.latent4j.core.estimator.gaussian;

import java.util.LinkedHashMap;
import java.util.List;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Tensor;

/**
 * "reparam", the reparameterization trick (Kingma and Welling 2014; Rezende, Mohamed and Wierstra 2014): the gradient
 * of the bound itself, differentiated through z = mean + std * eps. The ELBO's KL is in closed form (its gradient is
 * exact); the importance-weighted bound differentiates log p(x, z_i) - log q(z_i|x) through both z_i and q's
 * parameters. The default for Gaussian latents, and what every Gaussian model computed before estimators were a
 * choice, operation for operation.
 */
public final class ReparameterizationEstimator implements GaussianEstimator {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds it through {@code META-INF/services}. */
    public ReparameterizationEstimator() {}

    /** Its name on the command line and in saved configs. */
    public static final String NAME = "reparam";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "the reparameterization trick: the bound's own gradient through z = mean + std * eps (KL in closed form for the ELBO)";
    }

    @Override
    public String reference() {
        return "Kingma and Welling 2014, Auto-Encoding Variational Bayes; Rezende, Mohamed and Wierstra 2014, Stochastic Backpropagation";
    }

    @Override
    public boolean serves(Bound bound) {
        return true;
    }

    @Override
    public Tensor klToStandardNormal(DiagonalGaussian q, Tensor z) {
        return q.klToStandardNormal();
    }

    @Override
    public Tensor klToStandardNormalPerDim(DiagonalGaussian q, Tensor z) {
        return q.klToStandardNormalPerDim();
    }

    @Override
    public SampledBound sampled(Bound bound, List<Tensor> z, Joint joint) {
        LogWeights w = joint.evaluate(z, false);
        return new SampledBound(reduce(bound, w.logWeights()), w.logLikelihood(), new LinkedHashMap<>());
    }

    /** The bound of log weights [k, b]: logsumexp - log k, or the mean over the samples. */
    static Tensor reduce(Bound bound, Tensor logWeights) {
        return bound == Bound.IMPORTANCE_WEIGHTED ? logWeights.logSumExp(0, false).sub((float) Math.log(logWeights.dim(0))) : logWeights.mean(0, false);
    }
}
