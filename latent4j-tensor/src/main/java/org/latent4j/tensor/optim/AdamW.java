package org.latent4j.tensor.optim;

import java.util.List;
import org.latent4j.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019, "Decoupled weight decay regularization"),
 * as PyTorch defines it: p *= 1 - lr * weightDecay, then the {@link Adam} step on the undecayed gradient.
 * The decay is scaled by the current learning rate, so it follows a schedule.
 */
public final class AdamW extends Adam {
    /**
     * Creates the optimizer.
     *
     * @param parameters the tensors to update, each once
     * @param options the learning rate, betas, epsilon and decoupled weight decay
     */
    public AdamW(List<Tensor> parameters, AdamOptions options) {
        super("AdamW", parameters, options, true);
    }
}
