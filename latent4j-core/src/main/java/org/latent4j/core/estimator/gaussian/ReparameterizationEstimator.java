package org.latent4j.core.estimator.gaussian;

import java.util.LinkedHashMap;
import java.util.function.UnaryOperator;
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
    public ImportanceWeighted importanceWeighted(DiagonalGaussian q, Tensor z, DiagonalGaussian prior, UnaryOperator<Tensor> logLikelihood) {
        Tensor logPx = logLikelihood.apply(z);
        Tensor bound = logPx.add(prior.logProb(z)).sub(q.logProb(z)).logSumExp(0, false).sub((float) Math.log(z.dim(0)));
        return new ImportanceWeighted(bound, logPx, new LinkedHashMap<>());
    }
}
