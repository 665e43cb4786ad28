package org.latent4j.core.model.objective;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.RelevanceDetermination;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.StepState;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The VAE with an automatic relevance determination prior N(0, diag(alpha)) (see {@link ArdVaeConfig}): the VAE's
 * networks, the prior's variances fitted in closed form per batch, and a report of the latent dimensions in use.
 * Metrics: "kl" (to the fitted prior), "elbo", "klWeight", and "usedDims", the dimensions whose batch relevance
 * Var_batch(mu_j) / alpha_j exceeds the threshold. State: "prior_variance" (the running average of the fits) and
 * "prior_fits" (how many batches it has averaged), saved with the weights.
 */
public final class ArdVae extends Vae implements RelevanceDetermination {
    /** Keeps a dimension whose posteriors all sit at 0 with no variance from dividing by 0. */
    private static final float MIN_VARIANCE = 1e-8f;
    private final ArdVaeConfig config;
    private final Tensor priorVariance;
    private final Tensor fits;

    /**
     * Creates the model with fresh weights and the prior N(0, I).
     *
     * @param config the networks and the prior's settings
     * @param rng draws the initial weights
     */
    public ArdVae(ArdVaeConfig config, Rng rng) {
        super(ArdVaeKind.NAME, config.vae(), 0, false, rng);
        this.config = config;
        this.priorVariance = buffer("prior_variance", Tensor.persistentZeros(config.vae().latentDim()).fill(1f));
        this.fits = buffer("prior_fits", Tensor.persistentZeros(1));
    }

    /**
     * {@return the prior variances that maximise the batch's ELBO, mean_batch (mu^2 + sigma^2), [d]}
     *
     * @param q the batch's posteriors, [b, d]
     */
    static Tensor fittedVariances(DiagonalGaussian q) {
        return secondMoments(q).clamp(MIN_VARIANCE, Float.POSITIVE_INFINITY);
    }

    /** E[z^2] under q per dimension, averaged over the rows: [d], before the clamp of {@link #fittedVariances}. */
    private static Tensor secondMoments(DiagonalGaussian q) {
        return q.mean().square().add(q.logVar().exp()).mean(0, false);
    }

    /**
     * What the after-step hook reads: the batch's second moments per dimension (the fitted prior variances before their
     * clamp) and its rows. Shards of a data-parallel step merge into their row-weighted mean, the whole batch's moments.
     *
     * @param moments the second moments, [d]
     * @param rows    the batch's rows
     */
    record PriorFit(float[] moments, int rows) implements StepState {
        @Override
        public StepState concat(java.util.List<? extends StepState> following) {
            double[] sum = new double[moments.length];
            int total = rows;
            for (int j = 0; j < sum.length; j++) sum[j] = (double) moments[j] * rows;
            for (StepState f : following) {
                if (!(f instanceof PriorFit p) || p.moments.length != moments.length) throw new IllegalArgumentException("ArdVae: cannot merge a step state with " + f);
                for (int j = 0; j < sum.length; j++) sum[j] += (double) p.moments[j] * p.rows;
                total += p.rows;
            }
            float[] mean = new float[sum.length];
            for (int j = 0; j < sum.length; j++) mean[j] = (float) (sum[j] / total);
            return new PriorFit(mean, total);
        }
    }

    /** KL(q || N(0, diag(alpha))) per row, summed over the dimensions: [b]. */
    static Tensor klToPrior(DiagonalGaussian q, Tensor alpha) {
        Tensor second = q.mean().square().add(q.logVar().exp());
        return alpha.log().sub(q.logVar()).add(second.div(alpha)).sub(1f).mul(0.5f).sum(-1, false);
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor x = batch.x();
        DiagonalGaussian q = posterior(x, batch.condition());
        Tensor z = q.rsample(rng, config.vae().samples());
        Tensor recon = likelihood().logProb(decode(z, batch.condition()), x).mean().neg();
        // a constant in the graph: the envelope theorem makes this the exact gradient (see ArdVaeConfig)
        Tensor second = secondMoments(q).detach();
        Tensor alpha = second.clamp(MIN_VARIANCE, Float.POSITIVE_INFINITY);
        Tensor kl = klToPrior(q, alpha).mean();
        double w = config.vae().klWeight(progress);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("kl", (double) kl.item());
        metrics.put("klWeight", w);
        metrics.put("elbo", (double) -(recon.item() + kl.item()));
        float[] a = alpha.toArray();
        metrics.put("usedDims", (double) usedDimensions(q.mean().detach(), a));
        Tensor reg = kl.mul((float) w);
        return new LossResult(recon.add(reg), recon, reg, metrics, new PriorFit(second.toArray(), x.dim(0)));
    }

    /** How many dimensions' means vary over the rows by more than the threshold times their prior variance. */
    private int usedDimensions(Tensor mean, float[] alpha) {
        int b = mean.dim(0), d = mean.dim(1);
        if (b < 2) return 0;
        float[] m = mean.contiguous().toArray();
        int used = 0;
        for (int j = 0; j < d; j++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < b; i++) {
                s += m[i * d + j];
                s2 += (double) m[i * d + j] * m[i * d + j];
            }
            double var = s2 / b - (s / b) * (s / b);
            if (var > config.threshold() * alpha[j]) used++;
        }
        return used;
    }

    /** Folds the batch's fit into the running average: a plain mean over the first 1 / (1 - momentum) batches, so the start value 1 fades at once. */
    @Override
    public void afterOptimizerStep(StepContext step) {
        if (!(step.result().state() instanceof PriorFit fit)) return;
        float[] a = new float[fit.moments().length];
        for (int j = 0; j < a.length; j++) a[j] = Math.max(MIN_VARIANCE, fit.moments()[j]);
        float[] v = priorVariance.data();
        int o = priorVariance.offset();
        double n = fits.data()[fits.offset()] + 1;
        double rate = Math.max(1 - config.momentum(), 1 / n);
        for (int j = 0; j < a.length; j++) v[o + j] = (float) ((1 - rate) * v[o + j] + rate * a[j]);
        fits.data()[fits.offset()] = (float) n;
    }

    private DiagonalGaussian prior() {
        return new DiagonalGaussian(Tensor.zeros(latentDim()), priorVariance.log());
    }

    @Override
    protected Tensor klToPrior(DiagonalGaussian q) {
        return klToPrior(q, priorVariance);
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        if (k < 1) throw new IllegalArgumentException(kind() + ".logImportanceWeights: k must be >= 1, got " + k);
        DiagonalGaussian q = posterior(x, condition);
        Tensor z = q.rsample(rng, k);
        return likelihood().logProb(decode(z, condition), x).add(prior().logProb(z)).sub(q.logProb(z));
    }

    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        if (n < 1) throw new IllegalArgumentException(kind() + ".samplePrior: n must be >= 1, got " + n);
        return decode(rng.normal(0f, 1f, n, latentDim()).mul(priorVariance.sqrt()), condition);
    }

    @Override
    public double[] priorVariances() {
        float[] v = priorVariance.toArray();
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) out[j] = v[j];
        return out;
    }

    @Override
    public double relevanceThreshold() {
        return config.threshold();
    }

    @Override
    public Record config() {
        return config;
    }
}
