package org.latent4j.tensor.ops;

import org.latent4j.tensor.Tensor;

/** Fused, numerically stable losses and log-densities used by the models. */
public final class LossOps {
    private LossOps() {}

    public static Tensor bceWithLogits(Tensor logits, Tensor targets) { throw new UnsupportedOperationException("bceWithLogits: not implemented yet"); }
}
