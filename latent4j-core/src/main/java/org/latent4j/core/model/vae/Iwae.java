package org.latent4j.core.model.vae;

import org.latent4j.tensor.random.Rng;

/**
 * The importance-weighted autoencoder of Burda, Grosse and Salakhutdinov (2016): the {@link Vae}'s
 * networks trained on L_k = E[log (1/k) sum_i p(x, z_i) / q(z_i|x)], z_i ~ q(z|x), with k the config's
 * {@code samples}; the loss is -mean_batch L_k. L_1 is the ELBO and L_k rises towards log p(x) with k.
 * The KL-shaping options of {@link VaeConfig} (beta, capacity, warm-up, free bits) have no meaning for
 * this bound and are refused. The gradient is the config's estimator's: reparam (the bound's own), stl (biased for
 * k &gt; 1) or dreg (Tucker et al. 2019; see {@link org.latent4j.core.estimator.gaussian.DoublyReparameterizedEstimator}).
 */
public final class Iwae extends Vae {
    /**
     * Creates the model with fresh weights.
     *
     * @param config the architecture and the number of samples k
     * @param rng draws the initial weights
     */
    public Iwae(VaeConfig config, Rng rng) {
        super(IwaeKind.NAME, check(config), 0, true, rng);
    }

    private static VaeConfig check(VaeConfig c) {
        String why = c.beta() != 1 ? "beta = " + c.beta()
                : c.capacity() != null ? "a capacity schedule"
                : c.warmupEpochs() > 0 ? "warmupEpochs = " + c.warmupEpochs()
                : c.freeBits() > 0 ? "freeBits = " + c.freeBits() : null;
        if (why != null) throw new IllegalArgumentException("iwae: VaeConfig has " + why + ", which the importance-weighted bound does not use");
        return c;
    }
}
