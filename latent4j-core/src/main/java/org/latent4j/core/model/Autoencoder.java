package org.latent4j.core.model;

import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.nn.Mlp;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A deterministic autoencoder: z = encoder(x), loss = mean_batch -log p(x | decoder(z)). It has no
 * prior and no posterior, so it has no importance weights and cannot sample; it is the baseline the
 * stochastic models are compared with.
 */
public final class Autoencoder extends LatentModel {
    private final AutoencoderConfig config;
    private final Mlp encoder;
    private final Mlp decoder;
    private final Likelihood likelihood;

    public Autoencoder(AutoencoderConfig config, Rng rng) {
        this.config = config;
        this.encoder = child("encoder", new Mlp(config.dataDim(), ints(config.encoderHidden()), config.latentDim(), config.activation(), rng));
        Likelihood lik = config.likelihood().create(config.dataDim(), config.likelihoodSigma());
        this.decoder = child("decoder", new Mlp(config.latentDim(), ints(config.decoderHidden()),
                config.dataDim() * lik.parametersPerFeature(), config.activation(), rng));
        this.likelihood = child("likelihood", lik);
    }

    private static int[] ints(java.util.List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The code z = encoder(x), [b, latent]. */
    public Tensor code(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != config.dataDim()) {
            throw new ShapeException("ae: data " + Shape.str(x.shape()) + " must be [batch, " + config.dataDim() + "]");
        }
        return encoder.forward(x);
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor z = code(batch.x());
        Tensor params = decoder.forward(z);
        Tensor recon = likelihood.logProb(params, batch.x()).mean().neg();
        return new LossResult(recon, recon, Tensor.scalar(0f), z, params, Map.of());
    }

    /** The code as the mean; the zero log-variance is a placeholder no computation reads. */
    @Override
    public DiagonalGaussian encode(Tensor x, Tensor condition) {
        noCondition(condition, "encode");
        Tensor z = code(x);
        return new DiagonalGaussian(z, Tensor.zeros(z.shape()));
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        noCondition(condition, "decode");
        if (z.rank() < 2 || z.dim(z.rank() - 1) != config.latentDim()) {
            throw new ShapeException("ae.decode: latents " + Shape.str(z.shape()) + " must be [..., " + config.latentDim() + "]");
        }
        return decoder.forward(z);
    }

    @Override
    public boolean isStochastic() {
        return false;
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        throw new UnsupportedOperationException("ae: a deterministic autoencoder has no posterior or prior, so no importance weights or likelihood bound");
    }

    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        throw new UnsupportedOperationException("ae: a deterministic autoencoder has no prior to sample from");
    }

    private static void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException("ae." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
    }

    @Override
    public void initialiseOutputBias(float[] dataMean) {
        checkMean(dataMean, config.dataDim());
        likelihood.initialiseOutputBias(decoder.outputLayer().bias(), dataMean);
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return "ae";
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
