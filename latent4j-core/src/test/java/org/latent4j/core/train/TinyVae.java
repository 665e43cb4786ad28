package org.latent4j.core.train;

import java.util.Map;
import org.latent4j.core.distributions.BernoulliLikelihood;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.random.Rng;

/** A linear VAE for trainer tests; optionally returns a NaN loss at one global step. */
final class TinyVae extends LatentModel {
    record Config(int dataDim, int latentDim) {}

    private final Config config;
    private final Linear encoderMean;
    private final Linear encoderLogVar;
    private final Linear decoder;
    private final BernoulliLikelihood likelihood = new BernoulliLikelihood();
    long nanAtStep = -1;

    TinyVae(int dataDim, int latentDim, long initSeed) {
        config = new Config(dataDim, latentDim);
        Rng rng = new Rng(initSeed);
        encoderMean = child("mean", new Linear(dataDim, latentDim, Initializer.glorotUniform(), rng));
        encoderLogVar = child("logvar", new Linear(dataDim, latentDim, Initializer.glorotUniform(), rng));
        decoder = child("decoder", new Linear(latentDim, dataDim, Initializer.glorotUniform(), rng));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        DiagonalGaussian q = posterior(batch.x());
        Tensor z = q.rsample(rng);
        Tensor logits = decode(z, null);
        Tensor reconstruction = likelihood.logProb(logits, batch.x()).neg().mean();
        Tensor kl = q.klToStandardNormal().mean();
        Tensor loss = reconstruction.add(kl);
        if (progress.step() == nanAtStep) loss = loss.mul(Float.NaN);
        return new LossResult(loss, reconstruction, kl, Map.of("kl", (double) kl.item()));
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return "tiny-vae";
    }

    @Override
    public int dataDim() {
        return config.dataDim();
    }

    @Override
    public int latentDim() {
        return config.latentDim();
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }

    @Override
    public LatentCode encode(Tensor x, Tensor condition) {
        return new LatentCode.Gaussian(posterior(x));
    }

    private DiagonalGaussian posterior(Tensor x) {
        return new DiagonalGaussian(encoderMean.forward(x), encoderLogVar.forward(x));
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        return decoder.forward(z);
    }
}
