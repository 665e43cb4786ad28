package org.latent4j.core.estimator.gaussian;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.estimator.GradientEstimator;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Tensor;

/**
 * A gradient estimator for models whose latent has a diagonal Gaussian posterior q(z|x) reparameterized as
 * z = mean + std * eps: the model draws z and hands the estimator the posterior, the draw and its decoder, and the
 * estimator returns the term of the loss whose gradient is its estimate. Every estimator returns the same
 * <em>value</em> for the same draw (the objective the model reports, validates and stops early on does not depend
 * on the estimator); only the gradient differs.
 *
 * <p>The models call it in one of two ways, by their bound:
 * <ul>
 *   <li>the ELBO (vae, beta-vae, cvae) keeps its reconstruction term -log p(x|z) and asks the estimator for
 *       KL(q(z|x) || N(0, I)), per example or per dimension (free bits and the capacity schedule act per
 *       dimension on its value, which is the closed form);</li>
 *   <li>the importance-weighted bound (iwae) hands over the decoder as a function z -&gt; log p(x|z) and asks for
 *       L_k = log (1/k) sum_i p(x, z_i) / q(z_i|x) per example: an estimator may change what the decoder is fed
 *       (DReG scales the gradient that reaches z through it).</li>
 * </ul>
 */
public interface GaussianEstimator extends GradientEstimator {
    /** The bounds a Gaussian-latent model trains on. */
    enum Bound {
        /** The (k-sample) evidence lower bound with the KL in closed form. */
        ELBO("the ELBO"),
        /** The importance-weighted bound L_k of Burda et al. (2016). */
        IMPORTANCE_WEIGHTED("the importance-weighted bound");

        private final String words;

        Bound(String words) {
            this.words = words;
        }

        /** {@return the bound's name in messages} */
        public String words() {
            return words;
        }
    }

    /**
     * The importance-weighted bound of one batch.
     *
     * @param bound         L_k per example, [b]: its value is the bound, its gradient the estimator's
     * @param logLikelihood log p(x|z_i) of the draw, [k, b] (for the reconstruction term the model reports)
     * @param metrics       what the estimator measured on the way, averaged over the batch (for history.csv)
     */
    record ImportanceWeighted(Tensor bound, Tensor logLikelihood, Map<String, Double> metrics) {}

    @Override
    default Set<LatentFamily> families() {
        return Set.of(LatentFamily.GAUSSIAN);
    }

    /**
     * Whether the estimator applies to a bound (DReG is defined for the importance-weighted bound only).
     *
     * @param bound the model's bound
     * @return true when {@link #klToStandardNormal} and the like, or {@link #importanceWeighted}, may be called for it
     */
    boolean serves(Bound bound);

    /**
     * KL(q(z|x) || N(0, I)) per example, [b]: the closed form in value; in gradient, the estimator's estimate of
     * its gradient from the draw z.
     *
     * @param q the posterior, [b, d]
     * @param z the reparameterized draw from q, [k, b, d]
     * @return the KL term
     */
    Tensor klToStandardNormal(DiagonalGaussian q, Tensor z);

    /**
     * {@link #klToStandardNormal} before the sum over the latent dimensions, [b, d] (for free bits).
     *
     * @param q the posterior, [b, d]
     * @param z the reparameterized draw from q, [k, b, d]
     * @return the KL term of each dimension
     */
    Tensor klToStandardNormalPerDim(DiagonalGaussian q, Tensor z);

    /**
     * The importance-weighted bound L_k per example for the draw z (k = z.dim(0)).
     *
     * @param q             the posterior, [b, d]
     * @param z             the reparameterized draw from q, [k, b, d]
     * @param prior         p(z)
     * @param logLikelihood the decoder: latents [k, b, d] to log p(x|z), [k, b]
     * @return the bound, the draw's log-likelihoods and the estimator's metrics
     */
    ImportanceWeighted importanceWeighted(DiagonalGaussian q, Tensor z, DiagonalGaussian prior, UnaryOperator<Tensor> logLikelihood);

    /**
     * The registered estimator of that name for Gaussian latents and a model's bound; an unknown name, one of another
     * family, or one that does not serve the bound is refused with one line naming the estimators that would do.
     *
     * @param name  the estimator's name
     * @param bound the bound of the model asking
     * @return the estimator
     */
    static GaussianEstimator of(String name, Bound bound) {
        GaussianEstimator e = GradientEstimators.get(name, LatentFamily.GAUSSIAN, GaussianEstimator.class);
        if (!e.serves(bound)) {
            List<String> serving = new ArrayList<>();
            for (GradientEstimator g : GradientEstimators.of(LatentFamily.GAUSSIAN)) {
                if (g instanceof GaussianEstimator ge && ge.serves(bound)) serving.add(g.name());
            }
            throw new IllegalArgumentException("gradient estimator '" + name + "' does not apply to " + bound.words() + " (for it: "
                    + String.join(", ", serving) + ")");
        }
        return e;
    }
}
