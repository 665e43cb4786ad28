package org.latent4j.core.estimator.silent;

import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.ops.LossOps;
import org.latent4j.tensor.random.Rng;

/**
 * The linear decoder of Silent Gradients (Shao, Liu and Van den Broeck, arXiv 2508.03587): p(x | z) =
 * N(x; W z + b, sigma^2), beside a model's own decoder, whose expected log-likelihood under the posterior is computed
 * exactly from the posterior's parameters, so that its gradient has no sampling noise at all.
 *
 * <p>With eta = W z + b, E_q[log N(x; eta, sigma^2)] = -1/2 sum_d [((x_d - E eta_d)^2 + Var eta_d) / sigma_d^2 +
 * log(2 pi sigma_d^2)]: only the first two moments of eta enter, and they are exact for each latent family
 * ({@link #gaussianLatents}, {@link #categoricalLatents}, {@link #bernoulliLatents}).
 *
 * <p>Parameters (saved with the model under the name the model gives this module, "silent"): "weight" [dataDim,
 * latentDim] (the layout of {@code torch.nn.Linear}'s weight), "bias" [dataDim], and "log_var", [1] for
 * {@link SilentLikelihood#GAUSSIAN_SHARED} or [dataDim] for {@link SilentLikelihood#GAUSSIAN_LEARNED} (a fixed
 * sigma is no parameter).
 */
public final class SilentDecoder extends Module {
    private static final float LOG_2PI = (float) Math.log(2 * Math.PI);

    private final SilentLikelihood kind;
    private final int dataDim;
    private final int latentDim;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor logVar;

    /**
     * A linear decoder with Glorot-uniform weights and zero bias (see {@link #initialise} for the data's start).
     *
     * @param dataDim   features of x
     * @param latentDim width of the latent vector (for categorical latents, groups x categories)
     * @param config    the likelihood and its sigma
     * @param rng       draws the weights
     */
    public SilentDecoder(int dataDim, int latentDim, SilentGradientsConfig config, Rng rng) {
        if (dataDim < 1 || latentDim < 1) throw new IllegalArgumentException("SilentDecoder: sizes must be positive, got " + latentDim + " -> " + dataDim);
        this.kind = config.likelihood();
        this.dataDim = dataDim;
        this.latentDim = latentDim;
        Tensor drawn = Initializer.glorotUniform().fill(Tensor.zeros(latentDim, dataDim), latentDim, dataDim, rng);
        this.weight = parameter("weight", Tensor.persistentZeros(dataDim, latentDim).copyFrom(drawn.t()));
        this.bias = parameter("bias", Tensor.persistentZeros(dataDim));
        this.logVar = switch (kind) {
            case GAUSSIAN_SHARED -> parameter("log_var", Tensor.persistentZeros(1));
            case GAUSSIAN_LEARNED -> parameter("log_var", Tensor.persistentZeros(dataDim));
            // persistent, not pooled: the module may be built inside a workspace scope and outlives it
            case GAUSSIAN_FIXED -> Tensor.persistentZeros(1).fill((float) (2 * Math.log(config.sigma())));
        };
    }

    /**
     * Starts the decoder where the data are: the bias at the features' means and a learned variance at the data's
     * (each feature's, or their mean), so that the exact term pulls the encoder with the data's own scale from the
     * first step, when its weight is largest.
     *
     * @param featureMeans the training features' means
     * @param sample       training rows, prepared as the batches are, [m, dataDim]
     */
    public void initialise(float[] featureMeans, Tensor sample) {
        if (featureMeans.length != dataDim) throw new IllegalArgumentException("SilentDecoder.initialise: " + featureMeans.length + " means for " + dataDim + " features");
        System.arraycopy(featureMeans, 0, bias.data(), bias.offset(), dataDim);
        if (kind == SilentLikelihood.GAUSSIAN_FIXED || sample.dim(0) < 2) return;
        int n = sample.dim(0);
        float[] v = sample.contiguous().toArray();
        double[] variance = new double[dataDim];
        for (int j = 0; j < dataDim; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += v[i * dataDim + j];
            mean /= n;
            for (int i = 0; i < n; i++) sq += (v[i * dataDim + j] - mean) * (v[i * dataDim + j] - mean);
            variance[j] = sq / n;
        }
        float floor = GaussianLikelihood.MIN_LOG_VARIANCE;
        if (kind == SilentLikelihood.GAUSSIAN_SHARED) {
            double mean = 0;
            for (double d : variance) mean += d / dataDim;
            logVar.data()[logVar.offset()] = Math.max(floor, (float) Math.log(mean));
        } else {
            for (int j = 0; j < dataDim; j++) logVar.data()[logVar.offset() + j] = Math.max(floor, (float) Math.log(variance[j]));
        }
    }

    /**
     * E_q[log p(x | W z + b)] for a diagonal Gaussian posterior q = N(mean, diag(variance)): E eta = W mean + b,
     * Var eta_d = sum_j W_dj^2 variance_j.
     *
     * @param mean     the posterior means [b, latentDim]
     * @param variance the posterior variances [b, latentDim]
     * @param x        the data [b, dataDim]
     * @return the expected log-likelihood of each row, [b]
     */
    public Tensor gaussianLatents(Tensor mean, Tensor variance, Tensor x) {
        checkLatents(mean, "gaussianLatents");
        return expectedLogLikelihood(affine(mean), LinearAlgebra.linear(variance, weight.square()), x);
    }

    /**
     * E_q[log p(x | W z + b)] for independent Bernoulli latents z_j ~ B(p_j): E eta = W p + b, Var eta_d = sum_j
     * W_dj^2 p_j (1 - p_j).
     *
     * @param probabilities the posterior's p [b, latentDim]
     * @param x             the data [b, dataDim]
     * @return the expected log-likelihood of each row, [b]
     */
    public Tensor bernoulliLatents(Tensor probabilities, Tensor x) {
        checkLatents(probabilities, "bernoulliLatents");
        Tensor variance = probabilities.mul(probabilities.neg().add(1f));
        return expectedLogLikelihood(affine(probabilities), LinearAlgebra.linear(variance, weight.square()), x);
    }

    /**
     * E_q[log p(x | W z + b)] for n independent categorical groups of K categories, z the concatenated one-hots
     * (group-major: column g K + k is category k of group g), by summing over each group's categories: E eta = W pi
     * + b and, since the groups are independent and a one-hot's covariance is diag(pi_g) - pi_g pi_g^T,
     * Var eta_d = sum_g [sum_k pi_gk W_d,gk^2 - (sum_k pi_gk W_d,gk)^2]. This equals the sum over all K^n
     * configurations of q(z) log p(x | W z + b), without enumerating them.
     *
     * @param probabilities the posterior's category probabilities [b, n K], each group summing to 1
     * @param groups        n
     * @param x             the data [b, dataDim]
     * @return the expected log-likelihood of each row, [b]
     */
    public Tensor categoricalLatents(Tensor probabilities, int groups, Tensor x) {
        checkLatents(probabilities, "categoricalLatents");
        if (groups < 1 || latentDim % groups != 0) {
            throw new IllegalArgumentException("SilentDecoder.categoricalLatents: " + latentDim + " latents do not split into " + groups + " groups");
        }
        int b = probabilities.dim(0), k = latentDim / groups;
        Tensor secondMoment = LinearAlgebra.linear(probabilities, weight.square());
        // each group's contribution to E eta, [n, b, d]: a batched product over the groups
        Tensor pi = probabilities.reshape(b, groups, k).transpose(0, 1).contiguous();
        Tensor w = weight.reshape(dataDim, groups, k).transpose(0, 1).transpose(1, 2).contiguous();
        Tensor groupMeans = LinearAlgebra.bmm(pi, w);
        Tensor variance = secondMoment.sub(groupMeans.square().sum(0, false));
        return expectedLogLikelihood(affine(probabilities), variance, x);
    }

    /**
     * log N(x; W z + b, sigma^2) summed over features at given latents: the linear decoder's own likelihood, which
     * the exact expectations average.
     *
     * @param z latents [b, latentDim] or [k, b, latentDim]
     * @param x the data [b, dataDim]
     * @return the log-likelihoods, [b] or [k, b]
     */
    public Tensor logProb(Tensor z, Tensor x) {
        return LossOps.gaussianLogDensity(x, affine(z), logVariance());
    }

    /** {@return the log-variance in use: [1] shared or fixed, [dataDim] per feature (floored when learned)} */
    public Tensor logVariance() {
        return kind == SilentLikelihood.GAUSSIAN_FIXED ? logVar : logVar.clamp(GaussianLikelihood.MIN_LOG_VARIANCE, Float.POSITIVE_INFINITY);
    }

    /** {@return the weight W [dataDim, latentDim]} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias b [dataDim]} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the likelihood} */
    public SilentLikelihood likelihood() {
        return kind;
    }

    private Tensor affine(Tensor z) {
        return LinearAlgebra.linear(z, weight).add(bias);
    }

    /** -1/2 sum_d [((x - m)^2 + v) / sigma^2 + log 2 pi sigma^2], [b]. */
    private Tensor expectedLogLikelihood(Tensor meanEta, Tensor varianceEta, Tensor x) {
        if (x.rank() != 2 || x.dim(1) != dataDim || x.dim(0) != meanEta.dim(0)) {
            throw new org.latent4j.tensor.ShapeException("SilentDecoder: data " + org.latent4j.tensor.Shape.str(x.shape()) + " must be ["
                    + meanEta.dim(0) + ", " + dataDim + "]");
        }
        Tensor lv = logVariance();
        Tensor perFeature = x.sub(meanEta).square().add(varianceEta).mul(lv.neg().exp()).add(lv).add(LOG_2PI);
        return perFeature.sum(1, false).mul(-0.5f);
    }

    private void checkLatents(Tensor z, String op) {
        if (z.rank() != 2 || z.dim(1) != latentDim) {
            throw new org.latent4j.tensor.ShapeException("SilentDecoder." + op + ": latents " + org.latent4j.tensor.Shape.str(z.shape()) + " must be [batch, "
                    + latentDim + "]");
        }
    }
}
