package org.latent4j.core.model.objective;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.divergence.SigmaPoints;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The unscented autoencoder of Janjos et al. (2023) (see {@link UnscentedAeConfig}): the VAE's networks trained on
 * decoded sigma points and a Wasserstein-like regulariser instead of random samples and the KL. Its posterior stays a
 * Gaussian (the evaluation reports its KL, active units and mutual information), its prior N(0, I) (prior sampling;
 * the importance-sampled bound is defined, if loose for a sharp posterior). Metrics: "wasserstein" (the regulariser
 * unweighted) and "kl" (to N(0, I), for comparison with a VAE).
 */
public final class UnscentedAutoencoder extends Vae {
    /** Keeps the norms' gradients finite at 0 (the paper's code adds 1e-6 to the matrix for the same reason). */
    private static final float NORM_EPS = 1e-12f;
    private final UnscentedAeConfig config;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the networks and the objective
     * @param rng draws the initial weights
     */
    public UnscentedAutoencoder(UnscentedAeConfig config, Rng rng) {
        super(UnscentedAeKind.NAME, config.vae(), 0, false, rng);
        this.config = config;
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor x = batch.x();
        DiagonalGaussian q = posterior(x, batch.condition());
        int b = x.dim(0), d = latentDim();
        Tensor z = config.sigmaPoints() == UnscentedAeConfig.ALL_POINTS ? SigmaPoints.all(q, config.lambda())
                : SigmaPoints.select(q, SigmaPoints.randomChoice(rng, config.sigmaPoints(), b, d), config.sigmaPoints(), config.lambda());
        Tensor recon = likelihood().logProb(decode(z, batch.condition()), x).mean().neg();
        Tensor meanNorm = q.mean().square().sum(-1, false).add(NORM_EPS).sqrt();
        Tensor stdNorm = q.logVar().mul(0.5f).exp().sub(1f).square().sum(-1, false).add(NORM_EPS).sqrt();
        Tensor w = meanNorm.add(stdNorm).mean();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("wasserstein", (double) w.item());
        metrics.put("kl", (double) q.klToStandardNormal().mean().item());
        Tensor reg = w.mul((float) config.weight());
        return new LossResult(recon.add(reg), recon, reg, metrics);
    }

    @Override
    public Record config() {
        return config;
    }
}
