package org.latent4j.core.model.ae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.divergence.VicRegTerms;
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
 * With {@link AutoencoderConfig#vicregVariance()} or {@link AutoencoderConfig#vicregCovariance()} positive, the loss
 * adds VICReg's variance and covariance terms on the batch's codes ({@link VicRegTerms}), against collapsed and
 * redundant codes; kinds built on this model (the Wasserstein autoencoders) add their own penalty on the codes
 * through {@link #codePenalty}. Parameters: "encoder.0.weight", ..., "decoder.0.weight", ..., and "likelihood.log_var" for a learned variance.
 */
public class Autoencoder extends LatentModel {
    private final String kind;
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
        this(AutoencoderKind.NAME, config, rng);
    }

    /**
     * Creates the model with fresh weights under another kind's name, for the kinds built on it.
     *
     * @param kind the kind's registered name
     * @param config the architecture
     * @param rng draws the initial weights
     */
    protected Autoencoder(String kind, AutoencoderConfig config, Rng rng) {
        this.kind = kind;
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
            throw new ShapeException(kind + ": data " + Shape.str(x.shape()) + " must be [batch, " + config.dataDim() + "]");
        }
        return encoder.forward(encoderConv == null ? x : encoderConv.forward(x));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor z = code(batch.x());
        Tensor recon = likelihood.logProb(decodeCode(z), batch.x()).mean().neg();
        Map<String, Double> metrics = new LinkedHashMap<>();
        Tensor reg = null;
        // the batch statistics need two rows; a one-row batch (the last of an epoch, say) trains on reconstruction alone
        if (config.vicregVariance() > 0 && z.dim(0) > 1) {
            Tensor v = VicRegTerms.variance(z, VicRegTerms.GAMMA, VicRegTerms.EPS);
            metrics.put("vicregVariance", (double) v.item());
            reg = v.mul((float) config.vicregVariance());
        }
        if (config.vicregCovariance() > 0 && z.dim(0) > 1) {
            Tensor c = VicRegTerms.covariance(z);
            metrics.put("vicregCovariance", (double) c.item());
            reg = add(reg, c.mul((float) config.vicregCovariance()));
        }
        reg = add(reg, codePenalty(z, progress, rng, metrics));
        if (reg == null) return new LossResult(recon, recon, Tensor.scalar(0f), metrics);
        return new LossResult(recon.add(reg), recon, reg, metrics);
    }

    private static Tensor add(Tensor a, Tensor b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    /**
     * A penalty on the batch's codes that a kind built on this model adds to the loss (a divergence between the
     * codes and a prior, say), with the metrics it reports; the default adds none.
     *
     * @param codes the batch's codes, [b, latentDim]
     * @param progress the step and epoch
     * @param rng the step's random numbers
     * @param metrics where to put what the penalty reports
     * @return the weighted penalty, a scalar, or null for none
     */
    protected Tensor codePenalty(Tensor codes, TrainingProgress progress, Rng rng, Map<String, Double> metrics) {
        return null;
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
            throw new ShapeException(kind + ".decode: latents " + Shape.str(z.shape()) + " must be [..., " + config.latentDim() + "]");
        }
        return decodeCode(z);
    }

    private Tensor decodeCode(Tensor z) {
        Tensor out = decoder.forward(z);
        return decoderConv == null ? out : decoderConv.forward(out);
    }

    private void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException(kind + "." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
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
        return kind;
    }

    /** {@return the networks and likelihood (for a kind built on this model, part of its config)} */
    public AutoencoderConfig autoencoderConfig() {
        return config;
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
