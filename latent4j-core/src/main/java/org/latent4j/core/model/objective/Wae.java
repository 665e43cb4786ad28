package org.latent4j.core.model.objective;

import java.util.Map;
import org.latent4j.core.divergence.KernelMmd;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The WAE-MMD of Tolstikhin et al. (2018): a deterministic autoencoder whose aggregate code distribution is pulled to
 * the prior N(0, I) by lambda times the kernel MMD between the batch's codes and as many prior draws (see
 * {@link WaeConfig}). Its codes are deterministic; it generates by decoding prior draws. Metric: "mmd", the
 * unweighted estimate.
 */
public final class Wae extends Autoencoder implements PriorSampling {
    private final WaeConfig config;
    private final KernelMmd mmd;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the networks and the penalty
     * @param rng draws the initial weights
     */
    public Wae(WaeConfig config, Rng rng) {
        super(WaeKind.NAME, config.network(), rng);
        this.config = config;
        this.mmd = config.mmd();
    }

    @Override
    protected Tensor codePenalty(Tensor codes, TrainingProgress progress, Rng rng, Map<String, Double> metrics) {
        // the U-statistic needs two rows; a one-row batch trains on reconstruction alone
        if (codes.dim(0) < 2) return null;
        Tensor m = mmd.between(codes, rng.normal(0f, 1f, codes.dim(0), codes.dim(1)));
        metrics.put("mmd", (double) m.item());
        return m.mul((float) config.lambda());
    }

    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        return PriorSampling.decodeStandardNormal(this, n, condition, rng);
    }

    @Override
    public Record config() {
        return config;
    }
}
