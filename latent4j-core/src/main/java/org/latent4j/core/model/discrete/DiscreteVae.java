package org.latent4j.core.model.discrete;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.discrete.DiscreteEstimate;
import org.latent4j.core.estimator.discrete.DiscreteGradientEstimator;
import org.latent4j.core.estimator.discrete.DiscreteLatents;
import org.latent4j.core.estimator.discrete.DiscreteProblem;
import org.latent4j.core.estimator.discrete.ExactEnumerationEstimator;
import org.latent4j.core.estimator.discrete.SignalStatistics;
import org.latent4j.core.estimator.silent.SilentDecoder;
import org.latent4j.core.estimator.silent.SilentGradients;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.Mlp;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A VAE with discrete latents ({@link CategoricalVae}: n groups of K categories; {@link BernoulliVae}: D bits) under a
 * uniform prior: an MLP encoder gives the logits of q(z|x), an MLP decoder takes the one-hot (or relaxed) code, and the
 * config's likelihood scores x. The ELBO's gradient is estimated by the config's {@link DiscreteGradientEstimator}.
 *
 * <p><b>Loss</b>, in named steps ({@link #loss}): the encoder's logits ({@link #logits}); the estimator's terms
 * ({@link #estimate}); the decoder's objective (gradient to the decoder only) and the encoder's objective (gradient to
 * the encoder only) added, with NVIL's baseline regression when it applies. The loss's value is the negative ELBO
 * estimate (for VIMCO the negative k-sample bound), reconstruction = the mean -log p(x|z), regularization the rest.
 * Metrics: "kl" (closed form), "elbo" or "bound", and the estimator's own (the temperature; a baseline's numbers).
 *
 * <p><b>State</b>: "signal_statistics" [3] (a buffer: batches seen, running mean and variance of the score-function
 * estimators' learning signal, updated by {@link #afterOptimizerStep}), and "baseline", NVIL's input-dependent baseline
 * network (one hidden layer of 100 tanh units), present in every model so that a saved model can be measured with any
 * estimator (its weights only train under nvil).
 *
 * <p>Names: "encoder", "decoder" (MLPs, "encoder.0.weight", ...), "baseline", "likelihood"; with Silent Gradients
 * ({@link DiscreteVaeSettings#silent()}), "silent" ({@link SilentDecoder}: "silent.weight", "silent.bias",
 * "silent.log_var"), and the encoder's objective is split as {@link SilentGradients} describes.
 */
public abstract class DiscreteVae extends LatentModel implements LikelihoodBound, PriorSampling {
    /** Hidden units of NVIL's baseline network (Mnih and Gregor 2014 used one layer of 100). */
    public static final int BASELINE_HIDDEN = 100;

    private final String kind;
    private final DiscreteVaeSettings settings;
    private final DiscreteLatents latents;
    private final DiscreteGradientEstimator estimator;
    private final Mlp encoder;
    private final Mlp decoder;
    private final Mlp baseline;
    private final Likelihood likelihood;
    private final Tensor signalStatistics;
    private final SilentDecoder silent;

    /**
     * Creates the model with fresh weights.
     *
     * @param kind     the kind's registered name
     * @param settings the config
     * @param latents  the latent layer it describes
     * @param rng      draws the initial weights
     */
    protected DiscreteVae(String kind, DiscreteVaeSettings settings, DiscreteLatents latents, Rng rng) {
        this.kind = kind;
        this.settings = settings;
        this.latents = latents;
        this.estimator = estimatorFor(settings, latents);
        this.encoder = child("encoder", new Mlp(settings.dataDim(), ints(settings.encoderHidden()), latents.logitWidth(), settings.activation(), rng));
        Likelihood lik = settings.likelihood().create(settings.dataDim(), settings.likelihoodSigma());
        this.decoder = child("decoder", new Mlp(latents.codeWidth(), ints(settings.decoderHidden()), settings.dataDim() * lik.parametersPerFeature(),
                settings.activation(), rng));
        this.baseline = child("baseline", new Mlp(settings.dataDim(), new int[] {BASELINE_HIDDEN}, 1, Activation.TANH, rng));
        this.likelihood = child("likelihood", lik);
        this.signalStatistics = buffer("signal_statistics", Tensor.persistentZeros(3));
        this.signalStatistics.data()[signalStatistics.offset() + 2] = 1f;
        // made last, so that the other layers draw the weights they draw without it
        this.silent = settings.silent() == null ? null
                : child("silent", new SilentDecoder(settings.dataDim(), latents.codeWidth(), settings.silent(), rng));
    }

    /**
     * The estimator a config names, refused (one line) when it does not serve the latents, needs more samples than
     * the config has, or would enumerate too many configurations.
     *
     * @param settings the config
     * @param latents  its latents
     * @return the estimator
     */
    static DiscreteGradientEstimator estimatorFor(DiscreteVaeSettings settings, DiscreteLatents latents) {
        DiscreteGradientEstimator e = GradientEstimators.get(settings.estimator(), latents.family(), DiscreteGradientEstimator.class);
        if (settings.samples() < e.minimumSamples()) {
            throw new IllegalArgumentException("gradient estimator '" + e.name() + "' needs at least " + e.minimumSamples() + " samples per example (--k), got "
                    + settings.samples());
        }
        if (e instanceof ExactEnumerationEstimator && latents.configurations() > ExactEnumerationEstimator.LIMIT) {
            latents.enumerate(ExactEnumerationEstimator.LIMIT); // throws, naming the count and the limit
        }
        return e;
    }

    private static int[] ints(java.util.List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Step 1 of the loss: the encoder's logits of q(z|x).
     *
     * @param x the inputs [b, dataDim]
     * @return [b, latents().logitWidth()]
     */
    public Tensor logits(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != settings.dataDim()) {
            throw new ShapeException(kind + ": data " + Shape.str(x.shape()) + " must be [batch, " + settings.dataDim() + "]");
        }
        return encoder.forward(x);
    }

    /**
     * The estimator's problem for a batch: its logits, the decoder, the temperature and the running statistics of
     * this point of training, and NVIL's baseline when the estimator uses it.
     *
     * @param x        the inputs
     * @param logits   their logits (step 1)
     * @param progress the step, for the temperature
     * @param rng      the noise
     * @return the problem
     */
    public DiscreteProblem problem(Tensor x, Tensor logits, TrainingProgress progress, Rng rng) {
        Tensor bx = estimator.usesInputBaseline() ? baseline.forward(x).reshape(x.dim(0)) : null;
        return new DiscreteProblem(latents, x, logits, z -> decode(z, null), likelihood, settings.samples(), settings.temperature().at(progress.step()),
                statistics(), bx, rng);
    }

    /**
     * Step 2 of the loss: the estimator's terms for a batch, the decoder's and the encoder's objectives apart.
     *
     * @param x        the inputs [b, dataDim]
     * @param progress the step and epoch
     * @param rng      the noise
     * @return the terms
     */
    public DiscreteEstimate estimate(Tensor x, TrainingProgress progress, Rng rng) {
        return estimator.estimate(problem(x, logits(x), progress, rng));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor logits = logits(batch.x());
        DiscreteEstimate e = estimator.estimate(problem(batch.x(), logits, progress, rng));
        double silentWeight = silent == null ? 0 : SilentGradients.exactWeight(settings.silent(), progress.step());
        Tensor decoderObjective = e.decoderObjective();
        Tensor encoderObjective = SilentGradients.stochasticEncoderObjective(e.encoderObjective(), silentWeight);
        Tensor loss = decoderObjective.add(encoderObjective);
        if (e.baselineObjective() != null) loss = loss.add(e.baselineObjective());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("kl", (double) e.kl().item());
        metrics.put(estimator.multiSampleBound() ? "bound" : "elbo", e.bound());
        metrics.putAll(e.metrics());
        if (silent != null) loss = loss.add(silentTerm(logits, batch.x(), silentWeight, metrics));
        Tensor recon = e.reconstruction().detach();
        return new LossResult(loss, recon, loss.detach().sub(recon), metrics, e.signal());
    }

    /**
     * Silent Gradients' term (see {@link SilentGradients}): the linear decoder's exact ELBO, its expected reconstruction
     * log-likelihood summed over the categories (or bits) less the closed-form KL, with the gradient reaching the
     * encoder's logits weighted by w (the estimator's encoder term carries the other 1 - w, the KL's share included)
     * and the linear decoder's in full; zero in value, so the loss stays the estimator's.
     */
    private Tensor silentTerm(Tensor logits, Tensor x, double w, Map<String, Double> metrics) {
        Tensor table = latents.logTable(SilentGradients.exactPath(logits, w));
        int b = x.dim(0);
        Tensor expected = latents.family() == org.latent4j.core.estimator.LatentFamily.CATEGORICAL
                ? silent.categoricalLatents(table.exp().reshape(b, latents.codeWidth()), latents.variables(), x)
                : silent.bernoulliLatents(latents.code(table.exp()), x);
        Tensor exactRecon = expected.mean().neg();
        metrics.put("silentWeight", w);
        metrics.put("silentRecon", (double) exactRecon.item());
        return SilentGradients.gradientOnly(exactRecon.add(latents.kl(table).mean()));
    }

    /** {@return the running statistics of the learning signal, from the buffer} */
    public SignalStatistics statistics() {
        float[] s = signalStatistics.toArray();
        return new SignalStatistics((long) s[0], s[1], s[2]);
    }

    /** Averages the step's learning signal into the running statistics (score-function estimators only). */
    @Override
    public void afterOptimizerStep(StepContext step) {
        if (!(step.result().state() instanceof DiscreteEstimate.Signal signal)) return;
        SignalStatistics next = statistics().update(signal.mean(), signal.variance());
        float[] d = signalStatistics.data();
        int o = signalStatistics.offset();
        d[o] = next.count();
        d[o + 1] = (float) next.mean();
        d[o + 2] = (float) next.variance();
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        noCondition(condition, "logImportanceWeights");
        if (k < 1) throw new IllegalArgumentException(kind + ".logImportanceWeights: k must be >= 1, got " + k);
        Tensor table = latents.logTable(logits(x));
        Tensor indicator = latents.indicator(latents.sample(table, k, rng), k, x.dim(0));
        return likelihood.logProb(decode(latents.code(indicator), null), x).add((float) latents.logPrior()).sub(latents.logProb(table, indicator));
    }

    /** The code of x: each variable's most probable value (the mode of q), and its one-hot (or bit) vector. */
    @Override
    public LatentCode.Discrete encode(Tensor x, Tensor condition) {
        noCondition(condition, "encode");
        int b = x.dim(0), n = latents.variables(), k = latents.categories();
        float[] table = latents.logTable(logits(x)).contiguous().toArray();
        int[] modes = new int[b * n];
        for (int i = 0; i < modes.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (table[i * k + c] > table[i * k + best]) best = c;
            modes[i] = best;
        }
        Tensor vector = latents.code(latents.indicator(modes, 1, b)).reshape(b, latents.codeWidth());
        return new LatentCode.Discrete(vector, modes, n, 1, new int[] {k});
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        noCondition(condition, "decode");
        if (z.rank() < 2 || z.dim(z.rank() - 1) != latents.codeWidth()) {
            throw new ShapeException(kind + ".decode: codes " + Shape.str(z.shape()) + " must be [..., " + latents.codeWidth() + "]");
        }
        return decoder.forward(z);
    }

    /** Codes drawn from the uniform prior, decoded. */
    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        noCondition(condition, "samplePrior");
        if (n < 1) throw new IllegalArgumentException(kind + ".samplePrior: n must be >= 1, got " + n);
        int v = latents.variables(), k = latents.categories();
        float[] u = rng.uniform(0f, 1f, n * v).toArray();
        int[] values = new int[n * v];
        for (int i = 0; i < values.length; i++) values[i] = Math.min(k - 1, (int) (u[i] * k));
        return decode(latents.code(latents.indicator(values, 1, n)).reshape(n, latents.codeWidth()), null);
    }

    private void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException(kind + "." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
    }

    /** The decoder starts at the training data's mean. */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(decoder.outputLayer().bias(), data.featureMeans());
        if (silent != null) silent.initialise(data.featureMeans(), data.sample(SILENT_INITIALISATION_ROWS));
    }

    /** Rows from which the linear decoder of Silent Gradients takes the data's variance. */
    private static final int SILENT_INITIALISATION_ROWS = 1000;

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int dataDim() {
        return settings.dataDim();
    }

    @Override
    public int latentDim() {
        return latents.codeWidth();
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }

    /** {@return the latent layer} */
    public DiscreteLatents latents() {
        return latents;
    }

    /** {@return the gradient estimator the config names} */
    public DiscreteGradientEstimator estimator() {
        return estimator;
    }

    /** {@return the encoder network (input to logits)} */
    public Mlp encoder() {
        return encoder;
    }

    /** {@return the decoder network (code to the likelihood's parameters)} */
    public Mlp decoder() {
        return decoder;
    }
}
