package org.latent4j.core.model.objective;

import java.util.Map;
import org.latent4j.core.divergence.SlicedWasserstein;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The sliced-Wasserstein autoencoder of Kolouri et al. (2019) (see {@link SwaeConfig}): deterministic codes pulled
 * to the prior N(0, I) by the sliced Wasserstein distance, which needs no kernel and costs a sort per direction.
 * Metric: "sw", the unweighted distance.
 */
public final class Swae extends Autoencoder implements PriorSampling {
    private final SwaeConfig config;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the networks and the penalty
     * @param rng draws the initial weights
     */
    public Swae(SwaeConfig config, Rng rng) {
        super(SwaeKind.NAME, config.network(), rng);
        this.config = config;
    }

    @Override
    protected Tensor codePenalty(Tensor codes, TrainingProgress progress, Rng rng, Map<String, Double> metrics) {
        int n = codes.dim(0), d = codes.dim(1);
        Tensor directions = SlicedWasserstein.directions(rng, config.projections(), d);
        Tensor sw = SlicedWasserstein.squared(codes, rng.normal(0f, 1f, n, d), directions);
        metrics.put("sw", (double) sw.item());
        return sw.mul((float) config.lambda());
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
