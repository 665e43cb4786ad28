package org.latent4j.core.model.ae;

import java.util.Map;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.ConvArchitecture;
import org.latent4j.core.nn.ConvDecoder;
import org.latent4j.core.nn.ConvEncoder;
import org.latent4j.core.nn.Mlp;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A deterministic autoencoder: z = encoder(x), loss = mean_batch -log p(x | decoder(z)). It has no prior and no
 * posterior, so no likelihood bound and no sampling; it is the baseline the stochastic models are compared with.
 * Parameters: "encoder.0.weight", ..., "decoder.0.weight", ..., and "likelihood.log_var" for a learned variance.
 */
public final class Autoencoder extends LatentModel {
    private final AutoencoderConfig config;
    private final ConvEncoder encoderConv;
    private final Mlp encoder;
    private final Mlp decoder;
    private final ConvDecoder decoderConv;
    private final Likelihood likelihood;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the architecture
     * @param rng draws the initial weights
     */
    public Autoencoder(AutoencoderConfig config, Rng rng) {
        this.config = config;
        ConvArchitecture conv = config.conv();
        this.encoderConv = conv == null ? null : child("encoder_conv", new ConvEncoder(conv, config.activation(), rng));
        int features = conv == null ? config.dataDim() : conv.features();
        this.encoder = child("encoder", new Mlp(features, ints(config.encoderHidden()), config.latentDim(), config.activation(), rng));
        Likelihood lik = config.likelihood().create(config.dataDim(), config.likelihoodSigma());
        int p = lik.parametersPerFeature();
        this.decoder = child("decoder", new Mlp(config.latentDim(), ints(config.decoderHidden()), conv == null ? config.dataDim() * p : features,
                config.activation(), rng));
        this.decoderConv = conv == null ? null
                : child("decoder_conv", new ConvDecoder(conv, conv.channels().getLast(), conv.image().get(0) * p, config.activation(), true, rng));
        this.likelihood = child("likelihood", lik);
    }

    private static int[] ints(java.util.List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private Tensor code(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != config.dataDim()) {
            throw new ShapeException("ae: data " + Shape.str(x.shape()) + " must be [batch, " + config.dataDim() + "]");
        }
        return encoder.forward(encoderConv == null ? x : encoderConv.forward(x));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor recon = likelihood.logProb(decodeCode(code(batch.x())), batch.x()).mean().neg();
        return new LossResult(recon, recon, Tensor.scalar(0f), Map.of());
    }

    @Override
    public LatentCode.Deterministic encode(Tensor x, Tensor condition) {
        noCondition(condition, "encode");
        return new LatentCode.Deterministic(code(x));
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        noCondition(condition, "decode");
        if (z.rank() < 2 || z.dim(z.rank() - 1) != config.latentDim()) {
            throw new ShapeException("ae.decode: latents " + Shape.str(z.shape()) + " must be [..., " + config.latentDim() + "]");
        }
        return decodeCode(z);
    }

    private Tensor decodeCode(Tensor z) {
        Tensor out = decoder.forward(z);
        return decoderConv == null ? out : decoderConv.forward(out);
    }

    private static void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException("ae." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
    }

    /** The decoder starts at the training data's mean (the IWAE paper's initialisation of its output bias). */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(decoderConv == null ? decoder.outputLayer().bias() : decoderConv.outputBias(), data.featureMeans());
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return AutoencoderKind.NAME;
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
