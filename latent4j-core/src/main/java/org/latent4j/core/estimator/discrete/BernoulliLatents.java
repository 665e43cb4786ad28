package org.latent4j.core.estimator.discrete;

import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.ShapeOps;

/**
 * D independent binary latents: the encoder gives one logit per latent (log q(1) - log q(0)), the decoder takes the
 * D bits (or their relaxations). As a table each latent has two values, 0 then 1.
 */
public final class BernoulliLatents extends DiscreteLatents {
    /**
     * The layer.
     *
     * @param latents the binary latents
     */
    public BernoulliLatents(int latents) {
        super(latents, 2);
    }

    @Override
    public LatentFamily family() {
        return LatentFamily.BERNOULLI;
    }

    @Override
    public int logitWidth() {
        return variables();
    }

    @Override
    public int codeWidth() {
        return variables();
    }

    /** [log sigmoid(-l), log sigmoid(l)] = [-softplus(l), -softplus(-l)] per latent. */
    @Override
    public Tensor logTable(Tensor logits) {
        int b = logits.dim(0), d = variables();
        Tensor zero = logits.softplus().neg().reshape(b, d, 1);
        Tensor one = logits.neg().softplus().neg().reshape(b, d, 1);
        return ShapeOps.concat(2, zero, one);
    }

    /** The indicator of value 1: the bit itself, or its relaxation. */
    @Override
    public Tensor code(Tensor indicator) {
        int[] s = indicator.shape();
        int[] out = java.util.Arrays.copyOf(s, s.length - 1);
        return indicator.slice(s.length - 1, 1, 2).reshape(out);
    }

    @Override
    public String describe() {
        return variables() + " Bernoulli latents";
    }
}
