package org.latent4j.core.model.hvae;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.estimator.gaussian.GaussianEstimator;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.ConfigChecks;
import org.latent4j.core.model.GaussianHierarchy;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;
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
import org.latent4j.tensor.random.Rng;

/**
 * A VAE with two stochastic layers (IWAE paper, architecture 2): inference q(z1|x) q(z2|z1),
 * generation p(z2) = N(0, I), p(z1|z2), p(x|z1). With z = (z1, z2) the log importance weight is
 * log p(x|z1) + log p(z1|z2) + log p(z2) - log q(z1|x) - log q(z2|z1), and the objective is its mean
 * over k samples (ELBO) or its log-mean-exp (IWAE), as the config says. No KL is in closed form here
 * (p(z1|z2) is not standard normal), so both are Monte Carlo estimates, and their gradient is the config's estimator's
 * (reparam; stl, whose log q(z2|z1) has q(z2|z1)'s network weights stopped but not its input; dreg on the IWAE
 * objective).
 */
public final class HierarchicalVae extends LatentModel implements LikelihoodBound, PriorSampling, GaussianHierarchy {
    private final HierarchicalVaeConfig config;
    private final ConvEncoder encoderConv;
    private final ConvDecoder decoderConv;
    private final GaussianMlp encoder1;
    private final GaussianMlp encoder2;
    private final GaussianMlp decoder2;
    private final Mlp decoder1;
    private final Likelihood likelihood;
    private final DiagonalGaussian prior;
    private final GaussianEstimator estimator;

    /**
     * Creates the model with fresh weights.
     *
     * @param config the architecture and objective
     * @param rng draws the initial weights
     */
    public HierarchicalVae(HierarchicalVaeConfig config, Rng rng) {
        this.config = config;
        var act = config.activation();
        var post = config.posterior();
        ConvArchitecture conv = config.conv();
        this.encoderConv = conv == null ? null : child("encoder_conv", new ConvEncoder(conv, act, rng));
        int features = conv == null ? config.dataDim() : conv.features();
        this.encoder1 = child("encoder1", new GaussianMlp(features, config.hidden1(), config.latent1Dim(), act, post, rng));
        this.encoder2 = child("encoder2", new GaussianMlp(config.latent1Dim(), config.hidden2(), config.latent2Dim(), act, post, rng));
        this.decoder2 = child("decoder2", new GaussianMlp(config.latent2Dim(), ConfigChecks.mirror(config.hidden2()), config.latent1Dim(), act, post, rng));
        Likelihood lik = config.likelihood().create(config.dataDim(), config.likelihoodSigma());
        int p = lik.parametersPerFeature();
        this.decoder1 = child("decoder1", new Mlp(config.latent1Dim(), ConfigChecks.mirror(config.hidden1()).stream().mapToInt(Integer::intValue).toArray(),
                conv == null ? config.dataDim() * p : features, act, rng));
        this.decoderConv = conv == null ? null : child("decoder_conv", new ConvDecoder(conv, conv.channels().getLast(), conv.image().get(0) * p, act, true, rng));
        this.likelihood = child("likelihood", lik);
        this.prior = standardPrior(config.latent2Dim());
        try {
            this.estimator = GaussianEstimator.of(config.estimator(), config.objective() == HierarchicalVaeConfig.Objective.IWAE
                    ? GaussianEstimator.Bound.IMPORTANCE_WEIGHTED : GaussianEstimator.Bound.ELBO);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HierarchicalVaeKind.NAME + ": " + e.getMessage(), e);
        }
    }

    private record Draw(Tensor z1, Tensor params, Tensor logPx, Tensor logW) {}

    private Draw draw(Tensor x, int k, Rng rng) {
        DiagonalGaussian q1 = posterior(x);
        Tensor z1 = q1.rsample(rng, k);
        DiagonalGaussian q2 = encoder2.forward(z1);
        Tensor z2 = q2.rsample(rng);
        DiagonalGaussian p1 = decoder2.forward(z2);
        Tensor params = decode(z1, null);
        Tensor logPx = likelihood.logProb(params, x);
        Tensor logW = logPx.add(p1.logProb(z1)).add(prior.logProb(z2)).sub(q1.logProb(z1)).sub(q2.logProb(z2));
        return new Draw(z1, params, logPx, logW);
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor x = batch.x();
        int k = config.samples();
        DiagonalGaussian q1 = posterior(x);
        Tensor z1 = q1.rsample(rng, k);
        DiagonalGaussian q2 = encoder2.forward(z1);
        Tensor z2 = q2.rsample(rng);
        GaussianEstimator.Bound bound = config.objective() == HierarchicalVaeConfig.Objective.IWAE
                ? GaussianEstimator.Bound.IMPORTANCE_WEIGHTED
                : GaussianEstimator.Bound.ELBO;
        GaussianEstimator.SampledBound sampled = estimator.sampled(bound, List.of(z1, z2), (fed, stopPosterior) -> {
            Tensor f1 = fed.get(0), f2 = fed.get(1);
            DiagonalGaussian p1 = decoder2.forward(f2);
            Tensor logPx = likelihood.logProb(decode(f1, null), x);
            // with the posterior stopped, q(z2|z1)'s network runs again at the fed z1 with its weights stopped, so the
            // path through z1 stays and only the direct dependence on the weights goes
            DiagonalGaussian l1 = stopPosterior ? GaussianEstimator.stopped(q1) : q1;
            DiagonalGaussian l2 = stopPosterior ? encoder2.forwardWithStoppedParameters(f1) : q2;
            Tensor logW = logPx.add(p1.logProb(f1)).add(prior.logProb(f2)).sub(l1.logProb(f1)).sub(l2.logProb(f2));
            return new GaussianEstimator.LogWeights(logW, logPx);
        });
        Tensor recon = sampled.logLikelihood().mean().neg();
        Tensor loss = sampled.bound().mean().neg();
        // the Monte Carlo KL of q(z1, z2|x) to p(z1, z2) (for the ELBO), or the rest of the bound (for IWAE)
        Tensor reg = loss.sub(recon);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("bound", (double) -loss.item());
        metrics.putAll(sampled.metrics());
        return new LossResult(loss, recon, reg, metrics);
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        noCondition(condition, "logImportanceWeights");
        if (k < 1) throw new IllegalArgumentException("hvae.logImportanceWeights: k must be >= 1, got " + k);
        return draw(x, k, rng).logW();
    }

    /** q(z1|x), the posterior of the layer next to the data. */
    @Override
    public LatentCode.Gaussian encode(Tensor x, Tensor condition) {
        noCondition(condition, "encode");
        return new LatentCode.Gaussian(posterior(x));
    }

    private DiagonalGaussian posterior(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != config.dataDim()) {
            throw new ShapeException("hvae: data " + Shape.str(x.shape()) + " must be [batch, " + config.dataDim() + "]");
        }
        return encoder1.forward(encoderConv == null ? x : encoderConv.forward(x));
    }

    /**
     * z2, the top layer: the only one with the prior N(0, I) (z1's prior is p(z1|z2)), so the only one whose
     * KL(q || N(0, I)) per dimension is a KL term of the bound.
     */
    @Override
    public LatentLayer diagnosedLayer() {
        return new LatentLayer("z2", config.latent2Dim(), "z2, the top layer (prior N(0, I)), with posterior q(z2|z1) at one z1 ~ q(z1|x) per example");
    }

    /**
     * q(z2|z1) at one draw z1 ~ q(z1|x) per row, q(z1|x) being {@code encoded}. Its KL to N(0, I), averaged over
     * the data, estimates without bias the top layer's KL term E_q(z1|x)[KL(q(z2|z1) || p(z2))] of the ELBO; the
     * variance of its means over the data (one z1 draw per example) is how the IWAE paper's code measures the
     * second layer's activity.
     */
    @Override
    public DiagonalGaussian diagnosedPosterior(DiagonalGaussian encoded, Rng rng) {
        return encoder2.forward(encoded.rsample(rng));
    }

    /** The likelihood parameters of p(x|z1) for z1 [..., latent1Dim]. */
    @Override
    public Tensor decode(Tensor z1, Tensor condition) {
        noCondition(condition, "decode");
        if (z1.rank() < 2 || z1.dim(z1.rank() - 1) != config.latent1Dim()) {
            throw new ShapeException("hvae.decode: latents " + Shape.str(z1.shape()) + " must be [..., " + config.latent1Dim() + "]");
        }
        Tensor out = decoder1.forward(z1);
        return decoderConv == null ? out : decoderConv.forward(out);
    }

    /** Ancestral sampling: z2 ~ N(0, I), z1 ~ p(z1|z2), then the parameters of p(x|z1). */
    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        noCondition(condition, "samplePrior");
        if (n < 1) throw new IllegalArgumentException("hvae.samplePrior: n must be >= 1, got " + n);
        Tensor z2 = rng.normal(0f, 1f, n, config.latent2Dim());
        return decode(decoder2.forward(z2).rsample(rng), null);
    }

    private static void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException("hvae." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
    }

    /** The decoder starts at the training data's mean (the IWAE paper's initialisation of its output bias). */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(decoderConv == null ? decoder1.outputLayer().bias() : decoderConv.outputBias(), data.featureMeans());
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return HierarchicalVaeKind.NAME;
    }

    @Override
    public int dataDim() {
        return config.dataDim();
    }

    /** The size of z1, the layer {@link #encode} describes. */
    @Override
    public int latentDim() {
        return config.latent1Dim();
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }
}
