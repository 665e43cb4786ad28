package org.latent4j.core.model.vae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.estimator.silent.SilentDecoder;
import org.latent4j.core.estimator.silent.SilentGradients;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.IterativeInference;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.ConvArchitecture;
import org.latent4j.core.nn.ConvDecoder;
import org.latent4j.core.nn.ConvEncoder;
import org.latent4j.core.nn.GaussianMlp;
import org.latent4j.core.nn.Mlp;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.ShapeOps;
import org.latent4j.tensor.random.Rng;

/**
 * The variational autoencoder of Kingma and Welling (2014) with a Gaussian encoder q(z|x), a standard
 * normal prior and the likelihood of its {@link VaeConfig}; the config's beta, capacity, warm-up, free
 * bits and sample count select the beta-VAE and the other ELBO variants documented there.
 *
 * <p>{@link Iwae} and {@link ConditionalVae} are this model with another objective or a condition
 * concatenated to the encoder's and decoder's inputs. The gradient of either bound is the config's estimator's
 * ({@link GaussianEstimator}: reparam, stl, or dreg for the importance-weighted bound); the loss's value does not
 * depend on it. Parameters are named "encoder.net.0.weight", ...,
 * "decoder.0.weight", ..., and "likelihood.log_var" for a learned Gaussian variance; with Silent Gradients
 * ({@link VaeConfig#silent()}), the linear decoder beside the decoder is "silent.weight", "silent.bias" and
 * "silent.log_var" ({@link SilentDecoder}), and the encoder's reconstruction gradient is split as
 * {@link SilentGradients} describes.
 */
public class Vae extends LatentModel implements IterativeInference, PriorSampling {
    private final String kind;
    private final VaeConfig config;
    private final int conditionDim;
    private final boolean importanceWeighted;
    private final ConvEncoder encoderConv;
    private final GaussianMlp encoder;
    private final Mlp decoder;
    private final ConvDecoder decoderConv;
    private final Likelihood likelihood;
    private final DiagonalGaussian prior;
    private final GaussianEstimator estimator;
    private final SilentDecoder silent;

    /**
     * A VAE (kind "vae"), its weights drawn from {@code rng}.
     *
     * @param config the architecture and objective
     * @param rng    draws the initial weights
     */
    public Vae(VaeConfig config, Rng rng) {
        this(VaeKind.NAME, config, 0, false, rng);
    }

    /**
     * The same model under the kind name "beta-vae", so a saved beta-VAE is reloaded as one.
     *
     * @param config the architecture and objective
     * @param rng    draws the initial weights
     * @return the model
     */
    public static Vae betaVae(VaeConfig config, Rng rng) {
        return new Vae(BetaVaeKind.NAME, config, 0, false, rng);
    }

    /**
     * Creates the model with fresh weights, for the kinds built on it.
     *
     * @param kind the kind's registered name
     * @param config the architecture and objective
     * @param conditionDim the width of the condition, 0 for none
     * @param importanceWeighted whether the loss is the IWAE bound rather than the ELBO
     * @param rng draws the initial weights
     */
    protected Vae(String kind, VaeConfig config, int conditionDim, boolean importanceWeighted, Rng rng) {
        this.kind = kind;
        this.config = config;
        this.conditionDim = conditionDim;
        this.importanceWeighted = importanceWeighted;
        ConvArchitecture conv = config.conv();
        this.encoderConv = conv == null ? null : child("encoder_conv", new ConvEncoder(conv, config.activation(), rng));
        int features = conv == null ? config.dataDim() : conv.features();
        this.encoder = child("encoder", new GaussianMlp(features + conditionDim, config.encoderHidden(), config.latentDim(),
                config.activation(), config.posterior(), rng));
        Likelihood lik = config.likelihood().create(config.dataDim(), config.likelihoodSigma());
        int p = lik.parametersPerFeature();
        this.decoder = child("decoder", new Mlp(config.latentDim() + conditionDim, config.decoderHidden().stream().mapToInt(Integer::intValue).toArray(),
                conv == null ? config.dataDim() * p : features, config.activation(), rng));
        this.decoderConv = conv == null ? null
                : child("decoder_conv", new ConvDecoder(conv, conv.channels().getLast(), conv.image().get(0) * p, config.activation(), true, rng));
        this.likelihood = child("likelihood", lik);
        this.prior = standardPrior(config.latentDim());
        try {
            this.estimator = GaussianEstimator.of(config.estimator(), importanceWeighted ? GaussianEstimator.Bound.IMPORTANCE_WEIGHTED : GaussianEstimator.Bound.ELBO);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kind + ": " + e.getMessage(), e);
        }
        // made last, so that the other layers draw the weights they draw without it
        this.silent = config.silent() == null ? null : child("silent", new SilentDecoder(config.dataDim(), config.latentDim(), config.silent(), rng));
    }

    /** One draw of k latent samples per example and what the objectives need from it. */
    private record Draw(DiagonalGaussian posterior, Tensor z, Tensor params, Tensor logPx) {}

    private Draw draw(Tensor x, Tensor condition, int k, Rng rng) {
        DiagonalGaussian q = posterior(x, condition);
        Tensor z = q.rsample(rng, k);
        Tensor params = decode(z, condition);
        return new Draw(q, z, params, likelihood.logProb(params, x));
    }

    /** log p(x|z) + log p(z) - log q(z|x) for the draw: [k, b]. */
    private Tensor logWeights(Draw d) {
        return d.logPx().add(prior.logProb(d.z())).sub(d.posterior().logProb(d.z()));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor x = batch.x();
        Tensor condition = batch.condition();
        int k = config.samples();
        DiagonalGaussian q = posterior(x, condition);
        Tensor z = q.rsample(rng, k);
        double silentWeight = silent == null ? 0 : SilentGradients.exactWeight(config.silent(), progress.step());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Tensor loss, reg, recon;
        if (importanceWeighted) {
            GaussianEstimator.SampledBound iw = estimator.importanceWeighted(q, z, prior, zs -> likelihood.logProb(decode(SilentGradients.stochasticPath(zs, silentWeight), condition), x));
            recon = iw.logLikelihood().mean().neg();
            metrics.put("kl", (double) q.klToStandardNormal().mean().item());
            loss = iw.bound().mean().neg();
            // the bound has no separate regulariser: report the rest of the loss so that loss = recon + reg
            reg = loss.sub(recon);
            metrics.put("bound", (double) -loss.item());
            metrics.putAll(iw.metrics());
        } else {
            recon = likelihood.logProb(decode(SilentGradients.stochasticPath(z, silentWeight), condition), x).mean().neg();
            Tensor kl = estimator.klToStandardNormal(q, z).mean();
            metrics.put("kl", (double) kl.item());
            Tensor r = config.freeBits() > 0
                    ? estimator.klToStandardNormalPerDim(q, z).mean(0, false).clamp((float) config.freeBits(), Float.POSITIVE_INFINITY).sum()
                    : kl;
            if (config.capacity() != null) {
                double c = config.capacity().at(progress.step());
                reg = r.sub((float) c).abs().mul((float) config.capacity().gamma());
                metrics.put("capacity", c);
            } else {
                double w = config.klWeight(progress);
                reg = r.mul((float) w);
                metrics.put("klWeight", w);
            }
            loss = recon.add(reg);
            metrics.put("elbo", (double) -(recon.item() + kl.item()));
        }
        if (silent != null) loss = loss.add(silentTerm(q, x, silentWeight, metrics));
        return new LossResult(loss, recon, reg, metrics);
    }

    /**
     * Silent Gradients' term (see {@link SilentGradients}): the linear decoder's exact expected reconstruction
     * log-likelihood, its gradient reaching the encoder with weight w and the linear decoder in full; zero in value,
     * so the loss stays the model's own. Reports w and the linear decoder's exact reconstruction term.
     */
    private Tensor silentTerm(DiagonalGaussian q, Tensor x, double w, Map<String, Double> metrics) {
        Tensor mean = SilentGradients.exactPath(q.mean(), w);
        Tensor variance = SilentGradients.exactPath(q.logVar(), w).exp();
        Tensor exactRecon = silent.gaussianLatents(mean, variance, x).mean().neg();
        metrics.put("silentWeight", w);
        metrics.put("silentRecon", (double) exactRecon.item());
        return SilentGradients.gradientOnly(exactRecon);
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        if (k < 1) throw new IllegalArgumentException(kind + ".logImportanceWeights: k must be >= 1, got " + k);
        return logWeights(draw(x, condition, k, rng));
    }

    @Override
    public Tensor elboSamples(Tensor x, Tensor condition, DiagonalGaussian posterior, Tensor eps) {
        checkData(x);
        int b = x.dim(0), d = config.latentDim();
        if (!java.util.Arrays.equals(posterior.mean().shape(), new int[] {b, d})) {
            throw new ShapeException(kind + ".elboSamples: the posterior is over " + Shape.str(posterior.mean().shape()) + ", not [" + b + ", " + d + "]");
        }
        if (eps.rank() != 3 || eps.dim(1) != b || eps.dim(2) != d) {
            throw new ShapeException(kind + ".elboSamples: noise " + Shape.str(eps.shape()) + " must be [k, " + b + ", " + d + "]");
        }
        return likelihood.logProb(decode(posterior.rsample(eps), condition), x).sub(klToPrior(posterior));
    }

    /**
     * KL(q || p(z)) per row in closed form: to N(0, I) here; a subclass with another prior gives its own.
     *
     * @param q a posterior over [b, latent]
     * @return the KL of each row, [b]
     */
    protected Tensor klToPrior(DiagonalGaussian q) {
        return q.klToStandardNormal();
    }

    @Override
    public LatentCode.Gaussian encode(Tensor x, Tensor condition) {
        return new LatentCode.Gaussian(posterior(x, condition));
    }

    @Override
    public DiagonalGaussian posterior(Tensor x, Tensor condition) {
        checkData(x);
        return encoder.forward(withCondition(encoderConv == null ? x : encoderConv.forward(x), condition, "encode"));
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        if (z.rank() < 2 || z.dim(z.rank() - 1) != config.latentDim()) {
            throw new ShapeException(kind + ".decode: latents " + Shape.str(z.shape()) + " must be [..., " + config.latentDim() + "]");
        }
        Tensor out = decoder.forward(withCondition(z, condition, "decode"));
        return decoderConv == null ? out : decoderConv.forward(out);
    }

    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        return PriorSampling.decodeStandardNormal(this, n, condition, rng);
    }

    /**
     * Appends the condition [b, c] to the last axis of h ([b, f] or [k, b, f]); checks that a conditional
     * model gets one and an unconditional one does not.
     */
    private Tensor withCondition(Tensor h, Tensor condition, String op) {
        if (conditionDim == 0) {
            if (condition != null) throw new IllegalArgumentException(kind + "." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
            return h;
        }
        if (condition == null) throw new IllegalArgumentException(kind + "." + op + ": a condition [batch, " + conditionDim + "] is required");
        int b = h.dim(h.rank() - 2);
        if (condition.rank() != 2 || condition.dim(0) != b || condition.dim(1) != conditionDim) {
            throw new ShapeException(kind + "." + op + ": condition " + Shape.str(condition.shape()) + " must be [" + b + ", " + conditionDim
                    + "] for input " + Shape.str(h.shape()));
        }
        Tensor c = condition;
        if (h.rank() == 3) c = condition.expand(h.dim(0), b, conditionDim);
        return ShapeOps.concat(-1, h, c);
    }

    private void checkData(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != config.dataDim()) {
            throw new ShapeException(kind + ": data " + Shape.str(x.shape()) + " must be [batch, " + config.dataDim() + "]");
        }
    }

    /** The decoder starts at the training data's mean (the IWAE paper's initialisation of its output bias). */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(decoderConv == null ? decoder.outputLayer().bias() : decoderConv.outputBias(), data.featureMeans());
        if (silent != null) silent.initialise(data.featureMeans(), data.sample(SILENT_INITIALISATION_ROWS));
    }

    /** Rows from which the linear decoder of Silent Gradients takes the data's variance. */
    private static final int SILENT_INITIALISATION_ROWS = 1000;

    @Override
    public Record config() {
        return config;
    }

    /** {@return the encoder/decoder/objective settings (for a conditional VAE, part of its config)} */
    public VaeConfig vaeConfig() {
        return config;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int dataDim() {
        return config.dataDim();
    }

    @Override
    public int latentDim() {
        return config.latentDim();
    }

    /** {@return the width of the condition vector (0 for an unconditional model)} */
    public int conditionDim() {
        return conditionDim;
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }

    /** {@return the encoder network, which outputs the posterior's mean and variance parameters} */
    public GaussianMlp encoder() {
        return encoder;
    }

    /** {@return the decoder network, which outputs the likelihood's parameters} */
    public Mlp decoder() {
        return decoder;
    }
}
