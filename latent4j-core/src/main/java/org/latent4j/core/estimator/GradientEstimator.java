package org.latent4j.core.estimator;

import java.util.Set;

/**
 * A way to estimate the gradient of a latent-variable objective (the reparameterization trick, sticking the
 * landing, DReG, Gumbel-softmax, REINFORCE, VIMCO, ...), chosen with {@code --estimator NAME}, separately from the
 * model. Every estimator is registered in {@code META-INF/services/org.latent4j.core.estimator.GradientEstimator}
 * and found through {@link GradientEstimators}; the models of a {@link LatentFamily} look up the estimators of their
 * family there and refuse, by name, one that does not apply.
 *
 * <p>What an estimator computes depends on its family (a surrogate loss over Gaussian samples, a score-function
 * term over discrete ones); each family's estimators implement a sub-interface of this one that the family's
 * models call.
 */
public interface GradientEstimator {
    /** {@return the name on the command line and in saved configs, e.g. "reparam", "stl", "gumbel-st"} */
    String name();

    /** {@return one line saying what the estimator does, for --help} */
    String summary();

    /** {@return the paper that defines it (authors, year, title)} */
    String reference();

    /** {@return the latent families it serves} */
    Set<LatentFamily> families();
}
