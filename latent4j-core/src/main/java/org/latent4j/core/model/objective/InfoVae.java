package org.latent4j.core.model.objective;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.divergence.KernelMmd;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * InfoVAE with the MMD (Zhao et al. 2019; see {@link InfoVaeConfig}): the VAE's networks, its encoder, decoder, prior
 * sampling and importance-sampled likelihood bound unchanged, trained on the InfoVAE objective, which weighs down the
 * per-example KL (that pushes every q(z|x) onto the prior and so discourages informative codes) and matches the
 * aggregate posterior to the prior with the MMD instead. Metrics: "kl" and "mmd" unweighted, and "elbo".
 */
public final class InfoVae extends Vae {
    private final InfoVaeConfig config;
    private final KernelMmd mmd;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the networks and the objective's weights
     * @param rng draws the initial weights
     */
    public InfoVae(InfoVaeConfig config, Rng rng) {
        super(InfoVaeKind.NAME, config.vae(), 0, false, rng);
        this.config = config;
        this.mmd = new KernelMmd(config.kernel(), 2.0 * config.vae().latentDim(), config.scales());
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor x = batch.x();
        DiagonalGaussian q = posterior(x, batch.condition());
        int k = config.vae().samples(), b = x.dim(0), d = latentDim();
        Tensor z = q.rsample(rng, k);
        Tensor recon = likelihood().logProb(decode(z, batch.condition()), x).mean().neg();
        Tensor kl = q.klToStandardNormal().mean();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("kl", (double) kl.item());
        Tensor reg = config.klWeight() == 0 ? null : kl.mul((float) config.klWeight());
        // the U-statistic needs two draws of q(z); one row with k = 1 trains on the rest alone
        if (k * b >= 2 && config.mmdWeight() > 0) {
            Tensor m = mmd.between(z.reshape(k * b, d), rng.normal(0f, 1f, k * b, d));
            metrics.put("mmd", (double) m.item());
            Tensor weighted = m.mul((float) config.mmdWeight());
            reg = reg == null ? weighted : reg.add(weighted);
        }
        metrics.put("elbo", (double) -(recon.item() + kl.item()));
        if (reg == null) reg = Tensor.scalar(0f);
        return new LossResult(recon.add(reg), recon, reg, metrics);
    }

    @Override
    public Record config() {
        return config;
    }
}
