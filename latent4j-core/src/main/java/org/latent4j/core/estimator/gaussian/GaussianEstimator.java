package org.latent4j.core.estimator.gaussian;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.estimator.GradientEstimator;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;
import org.latent4j.tensor.Surrogate;
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
 *   <li>the ELBO with the KL in closed form (vae, beta-vae, cvae) keeps its reconstruction term -log p(x|z) and asks
 *       the estimator for KL(q(z|x) || N(0, I)), per example or per dimension (free bits and the capacity schedule
 *       act per dimension on its value, which is the closed form);</li>
 *   <li>a bound sampled whole ({@link #sampled}: the importance-weighted bound L_k = log (1/k) sum_i w_i of iwae,
 *       and either objective of hvae, whose KL has no closed form) hands over its log weights
 *       log w_i = log p(x, z_i) - log q(z_i|x) as a function of the latents of every layer, and of whether log q is
 *       to be evaluated with the posterior's parameters stopped: an estimator chooses both (DReG also scales the
 *       gradient that reaches each z through the weights).</li>
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
     * A sampled bound of one batch.
     *
     * @param bound         the bound per example, [b]: its value is the bound, its gradient the estimator's
     * @param logLikelihood log p(x|z_i) of the draw, [k, b] (for the reconstruction term the model reports)
     * @param metrics       what the estimator measured on the way, averaged over the batch (for history.csv)
     */
    record SampledBound(Tensor bound, Tensor logLikelihood, Map<String, Double> metrics) {}

    /**
     * A draw's log weights and log-likelihoods.
     *
     * @param logWeights    log p(x, z_i) - log q(z_i|x), [k, b]
     * @param logLikelihood log p(x|z_i), [k, b]
     */
    record LogWeights(Tensor logWeights, Tensor logLikelihood) {}

    /** A model's log weights as a function of the latents it is fed. */
    @FunctionalInterface
    interface Joint {
        /**
         * {@return the log weights of the draw}
         *
         * @param fed           the latents of every layer in the model's order, [k, b, d_l] each, with the draw's
         *                      values (an estimator may give them other gradients)
         * @param stopPosterior whether to evaluate log q(z|x) with the posterior's parameters behind a stop-gradient
         *                      ({@link #stopped}; for a layer conditioned on another, with the conditioning network's
         *                      parameters stopped and its input, the fed latent, kept)
         */
        LogWeights evaluate(List<Tensor> fed, boolean stopPosterior);
    }

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
     * A bound sampled whole, per example: for {@link Bound#IMPORTANCE_WEIGHTED} L_k = logsumexp_i log w_i - log k, for
     * {@link Bound#ELBO} mean_i log w_i (k = the draws' first axis).
     *
     * @param bound the bound
     * @param z     the reparameterized draw of every layer, [k, b, d_l] each
     * @param joint the model's log weights of the latents it is fed
     * @return the bound, the draw's log-likelihoods and the estimator's metrics
     */
    SampledBound sampled(Bound bound, List<Tensor> z, Joint joint);

    /**
     * The importance-weighted bound L_k per example of a one-layer model with prior p(z).
     *
     * @param q             the posterior, [b, d]
     * @param z             the reparameterized draw from q, [k, b, d]
     * @param prior         p(z)
     * @param logLikelihood the decoder: latents [k, b, d] to log p(x|z), [k, b]
     * @return the bound, the draw's log-likelihoods and the estimator's metrics
     */
    default SampledBound importanceWeighted(DiagonalGaussian q, Tensor z, DiagonalGaussian prior, UnaryOperator<Tensor> logLikelihood) {
        return sampled(Bound.IMPORTANCE_WEIGHTED, List.of(z), (fed, stop) -> {
            Tensor f = fed.getFirst();
            Tensor logPx = logLikelihood.apply(f);
            return new LogWeights(logPx.add(prior.logProb(f)).sub((stop ? stopped(q) : q).logProb(f)), logPx);
        });
    }

    /**
     * {@return q with its parameters behind a stop-gradient (held still inside a {@link Surrogate#freeze()})}
     *
     * @param q the distribution
     */
    static DiagonalGaussian stopped(DiagonalGaussian q) {
        return new DiagonalGaussian(Surrogate.stopGradient(q.mean()), Surrogate.stopGradient(q.logVar()));
    }

    /**
     * {@code --estimator} of a Gaussian kind: the name of a registered Gaussian estimator that serves the bound (default
     * reparam), or a refusal naming the ones that would.
     *
     * @param o     the kind's options
     * @param bound the bound the kind trains on
     * @return the estimator's name, for the config
     */
    static String fromOption(OptionValues o, Bound bound) {
        String name = o.string(ModelOptions.ESTIMATOR.name(), ReparameterizationEstimator.NAME).trim().toLowerCase(Locale.ROOT);
        try {
            of(name, bound);
        } catch (IllegalArgumentException e) {
            o.require(false, "--" + ModelOptions.ESTIMATOR.name() + " " + name + ": " + e.getMessage());
        }
        return name;
    }

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
