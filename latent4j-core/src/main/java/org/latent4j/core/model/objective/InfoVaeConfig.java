package org.latent4j.core.model.objective;

import java.util.List;
import org.latent4j.core.divergence.KernelMmd;
import org.latent4j.core.divergence.MmdKernel;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.vae.VaeConfig;

/**
 * InfoVAE (Zhao, Song and Ermon 2019) with the MMD divergence: a Gaussian encoder, the prior N(0, I) and the loss
 * (the negative of the paper's objective)
 * <pre>
 *   recon + (1 - alpha) mean_batch KL(q(z|x) || p(z)) + (alpha + lambda - 1) MMD^2_u(q(z), p(z))
 * </pre>
 * recon the mean over the batch and the k = {@code vae.samples} draws z ~ q(z|x) of -log p(x|z), and the MMD between
 * those k b draws (a sample of the aggregate posterior q(z)) and as many prior draws ({@link KernelMmd}).
 *
 * @param vae    the encoder, decoder, likelihood and samples per example; its KL shaping must stay off (beta 1, no
 *               capacity, warm-up or free bits): alpha and lambda weigh the terms instead
 * @param alpha  the paper's alpha, at most 1 (so that the KL's weight is not negative), default 1: the MMD-VAE,
 *               whose objective has no KL term
 * @param lambda the paper's lambda, with alpha + lambda &gt;= 1, default 1000 (see docs/estimators.md for where this
 *               value comes from)
 * @param kernel the MMD's kernel, default the inverse multiquadratic
 * @param scales multiples of the base scale 2 d summed over, default {@link KernelMmd#WAE_SCALES}
 */
public record InfoVaeConfig(@Json.Required VaeConfig vae, double alpha, double lambda, MmdKernel kernel, List<Double> scales) {
    private static final String NAME = "InfoVaeConfig";
    /** The MMD-VAE's alpha. */
    public static final double DEFAULT_ALPHA = 1;
    /** The default lambda. */
    public static final double DEFAULT_LAMBDA = 1000;

    /** Checks every field. */
    public InfoVaeConfig {
        ConfigChecks.required(NAME, "vae", vae);
        ObjectiveOptions.plainElbo(NAME, vae);
        if (!(alpha <= 1) || !Double.isFinite(alpha)) throw new IllegalArgumentException(NAME + ".alpha must be at most 1 (the KL weighs 1 - alpha), got " + alpha);
        ConfigChecks.positiveFinite(NAME, "lambda", lambda);
        if (!(alpha + lambda >= 1)) {
            throw new IllegalArgumentException(NAME + ": alpha + lambda must be at least 1 (the MMD weighs alpha + lambda - 1), got " + alpha + " + " + lambda);
        }
        ConfigChecks.required(NAME, "kernel", kernel);
        try {
            new KernelMmd(kernel, 1, scales);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + ".scales: " + e.getMessage());
        }
        scales = List.copyOf(scales);
    }

    /**
     * {@return the defaults around these networks}
     *
     * @param vae the encoder, decoder, likelihood and samples
     */
    public static InfoVaeConfig of(VaeConfig vae) {
        return new InfoVaeConfig(vae, DEFAULT_ALPHA, DEFAULT_LAMBDA, MmdKernel.IMQ, KernelMmd.WAE_SCALES);
    }

    static InfoVaeConfig defaults() {
        return of(VaeConfig.of(1, 1));
    }

    /** {@return the weight of the KL term, 1 - alpha} */
    public double klWeight() {
        return 1 - alpha;
    }

    /** {@return the weight of the MMD term, alpha + lambda - 1} */
    public double mmdWeight() {
        return alpha + lambda - 1;
    }
}
