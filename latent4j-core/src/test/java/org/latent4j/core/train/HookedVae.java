package org.latent4j.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latent4j.core.distributions.BernoulliLikelihood;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Linear;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.random.Rng;

/**
 * A linear VAE that uses every hook of the contract, with buffers for what the hooks keep: initialise sets the
 * decoder bias from the data means and stores the first sample row; the step hooks record what they see, count
 * steps, keep an exponential moving average of the batch's posterior means (from the loss's state) and add noise
 * drawn from the hook's generator, so that a resumed run can only match an uninterrupted one if buffers, states and
 * generators are all restored.
 */
final class HookedVae extends LatentModel {
    record Config(int dataDim, int latentDim) {}

    private final Config config;
    private final Linear encoderMean;
    private final Linear encoderLogVar;
    private final Linear decoder;
    private final BernoulliLikelihood likelihood = new BernoulliLikelihood();
    final Tensor steps;
    final Tensor meanEma;
    final Tensor noise;
    final Tensor firstSampleRow;

    /** What the hooks saw, for the tests (not state: a resumed model starts with empty lists). */
    final List<String> calls = new ArrayList<>();
    final List<Float> gradientSeenBefore = new ArrayList<>();
    final List<Float> weightSeenBefore = new ArrayList<>();
    final List<Float> weightSeenAfter = new ArrayList<>();
    int sampleRows = -1;

    HookedVae(int dataDim, int latentDim, long initSeed) {
        config = new Config(dataDim, latentDim);
        Rng rng = new Rng(initSeed);
        encoderMean = child("mean", new Linear(dataDim, latentDim, Initializer.glorotUniform(), rng));
        encoderLogVar = child("logvar", new Linear(dataDim, latentDim, Initializer.glorotUniform(), rng));
        decoder = child("decoder", new Linear(latentDim, dataDim, Initializer.glorotUniform(), rng));
        steps = buffer("steps", Tensor.persistentZeros(1));
        meanEma = buffer("mean_ema", Tensor.persistentZeros(latentDim));
        noise = buffer("noise", Tensor.persistentZeros(1));
        firstSampleRow = buffer("first_sample_row", Tensor.persistentZeros(dataDim));
    }

    private DiagonalGaussian posterior(Tensor x) {
        return new DiagonalGaussian(encoderMean.forward(x), encoderLogVar.forward(x));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        DiagonalGaussian q = posterior(batch.x());
        Tensor z = q.rsample(rng);
        Tensor reconstruction = likelihood.logProb(decoder.forward(z), batch.x()).neg().mean();
        Tensor kl = q.klToStandardNormal().mean();
        // the state the after-step hook uses: the batch's mean posterior mean, detached and kept out of the workspace
        float[] m = q.mean().mean(0, false).toArray();
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("kl", (double) kl.item());
        metrics.put("ema0", (double) meanEma.get(0));
        return new LossResult(reconstruction.add(kl), reconstruction, kl, metrics, m);
    }

    @Override
    public void initialise(TrainingData data, Rng rng) {
        calls.add("initialise");
        likelihood.initialiseOutputBias(decoder.bias(), data.featureMeans());
        Tensor sample = data.sample(5);
        sampleRows = sample.dim(0);
        firstSampleRow.copyFrom(sample.slice(0, 0, 1).reshape(config.dataDim()));
    }

    @Override
    public void beforeOptimizerStep(StepContext step) {
        calls.add("before " + step.progress().step());
        gradientSeenBefore.add(decoder.weight().grad().get(0, 0));
        weightSeenBefore.add(decoder.weight().get(0, 0));
    }

    @Override
    public void afterOptimizerStep(StepContext step) {
        calls.add("after " + step.progress().step());
        weightSeenAfter.add(decoder.weight().get(0, 0));
        steps.data()[steps.offset()] += 1;
        float[] m = (float[]) step.result().state();
        for (int j = 0; j < m.length; j++) meanEma.data()[meanEma.offset() + j] = 0.9f * meanEma.get(j) + 0.1f * m[j];
        noise.data()[noise.offset()] += step.rng().normal(0f, 1f, 1).item();
    }

    @Override
    public LatentCode encode(Tensor x, Tensor condition) {
        return new LatentCode.Gaussian(posterior(x));
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        return decoder.forward(z);
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return "hooked-vae";
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
}
