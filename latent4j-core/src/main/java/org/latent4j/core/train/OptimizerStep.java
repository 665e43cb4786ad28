package org.latent4j.core.train;

import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.StepContext;
import org.latent4j.tensor.optim.GradientClipping;
import org.latent4j.tensor.optim.Optimizer;

/**
 * The second half of a training step, once the parameters hold the step's gradients: the model's
 * {@link LatentModel#beforeOptimizerStep} hook, gradient clipping (or the norm check), the optimizer's step and
 * {@link LatentModel#afterOptimizerStep}. {@link Trainer} runs it after back-propagating one batch; a data-parallel
 * trainer runs it on its master model after loading the gradients averaged over the replicas
 * ({@link ShardGradient}), so that both apply a gradient in exactly one way.
 */
public final class OptimizerStep {
    private OptimizerStep() {}

    /**
     * Applies the gradients the optimizer's parameters hold. When the (pre-clipping) global norm is not finite, nothing
     * is applied: neither the optimizer's step nor the after-step hook run, and the caller reports the divergence.
     *
     * @param model     the model whose parameters the optimizer updates
     * @param optimizer its optimizer, with this step's learning rate set
     * @param context   the step's result (with the state the hooks read), progress and hook generator
     * @param clipNorm  the largest global gradient norm, or 0 for no clipping
     * @return the global gradient norm before clipping; not finite when the step was not applied
     */
    public static double apply(LatentModel model, Optimizer optimizer, StepContext context, double clipNorm) {
        model.beforeOptimizerStep(context);
        double norm = clipNorm > 0 ? GradientClipping.clipByGlobalNorm(optimizer.parameters(), clipNorm)
                : GradientClipping.globalNorm(optimizer.parameters());
        if (!Double.isFinite(norm)) return norm;
        optimizer.step();
        model.afterOptimizerStep(context);
        return norm;
    }
}
