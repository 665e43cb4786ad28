package org.latent4j.core.model.objective;

import java.util.List;
import org.latent4j.core.divergence.KernelMmd;
import org.latent4j.core.divergence.MmdKernel;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.ae.AutoencoderConfig;

/**
 * The Wasserstein autoencoder with the MMD penalty (Tolstikhin, Bousquet, Gelly and Schoelkopf 2018, WAE-MMD): a
 * deterministic encoder and the loss
 * <pre>
 *   mean_batch -log p(x | decoder(z)) + lambda MMD^2_u({z_i}, {z~_i}),   z_i = encoder(x_i), z~_i ~ N(0, I)
 * </pre>
 * one prior draw per row of the batch, the MMD the unbiased U-statistic of {@link KernelMmd} summed over the scales
 * {@code scales} times 2 d.
 *
 * @param network the encoder, decoder and likelihood (its VICReg weights are usually 0)
 * @param lambda  the MMD's weight, default 10: the paper's MNIST value (code: configs.py, lambda = 10, with the cost
 *                0.05 ||x - x'||^2, which is -log N(x; x', 10 I) up to a constant: the same balance as
 *                {@code --likelihood gaussian-fixed --sigma 3.162} here)
 * @param kernel  the kernel, default the inverse multiquadratic (the paper's)
 * @param scales  multiples of the base scale 2 d sigma_z^2 (sigma_z = 1) summed over, default {@link KernelMmd#WAE_SCALES}
 */
public record WaeConfig(@Json.Required AutoencoderConfig network, double lambda, MmdKernel kernel, List<Double> scales) {
    private static final String NAME = "WaeConfig";
    /** The paper's MNIST weight. */
    public static final double DEFAULT_LAMBDA = 10;

    /** Checks every field. */
    public WaeConfig {
        ConfigChecks.required(NAME, "network", network);
        ConfigChecks.positiveFinite(NAME, "lambda", lambda);
        ConfigChecks.required(NAME, "kernel", kernel);
        // the discrepancy's own checks, named for this config
        try {
            new KernelMmd(kernel, 1, scales);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + ".scales: " + e.getMessage());
        }
        scales = List.copyOf(scales);
    }

    /**
     * {@return the paper's defaults around these networks}
     *
     * @param network the encoder, decoder and likelihood
     */
    public static WaeConfig of(AutoencoderConfig network) {
        return new WaeConfig(network, DEFAULT_LAMBDA, MmdKernel.IMQ, KernelMmd.WAE_SCALES);
    }

    static WaeConfig defaults() {
        return of(AutoencoderConfig.of(1, 1));
    }

    /** {@return the discrepancy for the network's latent size} */
    public KernelMmd mmd() {
        return new KernelMmd(kernel, 2.0 * network.latentDim(), scales);
    }
}
