package org.latent4j.core.estimator.silent;

import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;

/**
 * How Silent Gradients (Shao, Liu and Van den Broeck, "Zero-Variance Gradients for Variational Autoencoders",
 * arXiv 2508.03587) splits the gradients: the encoder is trained on {@code w * exact + (1 - w) * stochastic}, where
 * "exact" is the {@link SilentDecoder}'s analytic expected reconstruction log-likelihood and "stochastic" is the
 * model's usual sampled estimate through its own decoder; each decoder gets the full gradient of its own term only.
 * The weight w anneals from the exact term to the stochastic one: 1 at step 0, falling linearly to 0 at
 * {@code annealSteps}, 0 after (so a trained model ends as the plain model; the linear decoder is only a guide).
 *
 * <p>The weights are applied to the gradients, not to the values: {@link #stochasticPath} and {@link #exactPath}
 * return their argument's value unchanged and scale only the gradient flowing back through them, and
 * {@link #gradientOnly} adds the exact term's gradient to a loss without changing the loss's value, so the losses,
 * ELBOs and histories of runs with and without Silent Gradients are the same quantities. All three are built from
 * {@link Surrogate#stopGradient}, so finite differences of the surrogate ({@link Surrogate#freeze}) check them.
 */
public final class SilentGradients {
    private SilentGradients() {}

    /**
     * The exact term's share of the encoder's reconstruction gradient at an optimizer step: max(0, 1 - step /
     * annealSteps).
     *
     * @param config the settings
     * @param step   the optimizer step (0 for the first)
     * @return w in [0, 1]
     */
    public static double exactWeight(SilentGradientsConfig config, long step) {
        if (step < 0) throw new IllegalArgumentException("SilentGradients.exactWeight: step must be >= 0, got " + step);
        return Math.max(0.0, 1.0 - (double) step / config.annealSteps());
    }

    /**
     * The latents as the model's own decoder should see them: the value of z, with the gradient that flows back
     * into z (to the encoder) scaled by 1 - w, i.e. z + w (sg(z) - z). At w = 1 the encoder gets exactly nothing
     * through the model's decoder, hence no sampling noise.
     *
     * @param z           latent samples
     * @param exactWeight w
     * @return z, for the stochastic branch
     */
    public static Tensor stochasticPath(Tensor z, double exactWeight) {
        if (exactWeight == 0) return z;
        return z.add(Surrogate.stopGradient(z).sub(z).mul((float) exactWeight));
    }

    /**
     * A posterior parameter as the linear decoder should see it: its value, with the gradient that flows back to
     * the encoder scaled by w, i.e. sg(p) + w (p - sg(p)).
     *
     * @param p           a posterior parameter (means, variances, probabilities)
     * @param exactWeight w
     * @return p, for the exact branch
     */
    public static Tensor exactPath(Tensor p, double exactWeight) {
        return scaleGradient(p, exactWeight);
    }

    /**
     * A model's stochastic estimate of the encoder's objective (one that carries gradient to the encoder only) with
     * its gradient scaled by 1 - w and its value unchanged: the encoder's share of the stochastic term.
     *
     * @param encoderObjective the estimator's encoder term
     * @param exactWeight      w
     * @return the term, for the loss
     */
    public static Tensor stochasticEncoderObjective(Tensor encoderObjective, double exactWeight) {
        return exactWeight == 0 ? encoderObjective : scaleGradient(encoderObjective, 1 - exactWeight);
    }

    /** sg(t) + f (t - sg(t)): the value of t, a gradient f times t's. */
    private static Tensor scaleGradient(Tensor t, double factor) {
        Tensor held = Surrogate.stopGradient(t);
        return held.add(t.sub(held).mul((float) factor));
    }

    /**
     * t - sg(t): zero, with the gradient of t. Added to a loss, it trains on t without changing the loss's value.
     *
     * @param t a scalar term
     * @return a zero with t's gradient
     */
    public static Tensor gradientOnly(Tensor t) {
        return t.sub(Surrogate.stopGradient(t));
    }
}
