package org.latent4j.core.estimator.gaussian;

import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;

/**
 * The identity in value whose backward multiplies the gradient by a tensor filled in after the forward pass: how
 * DReG scales the gradient reaching z_i by the normalized weight w~_i, which is known only once the decoder has run
 * on z. It is sg(z) + s (z - sg(z)) with s read at backward time, so finite differences cannot see s; the
 * gradient checks run DReG's other path ({@link DoublyReparameterizedEstimator}), where s is in the value.
 */
final class DeferredGradientScale {
    private DeferredGradientScale() {}

    /**
     * {@return a copy of z whose gradient reaches z multiplied by {@code scale} (broadcast to z's shape), read when the backward runs}
     *
     * @param z     the tensor
     * @param scale the factors, to be filled before the backward
     */
    static Tensor apply(Tensor z, Tensor scale) {
        Tensor out = Tensor.empty(z.shape()).copyFrom(z);
        return Autograd.record("deferred_gradient_scale", out, g -> Autograd.accumulate(z, g.mul(scale)), z);
    }
}
