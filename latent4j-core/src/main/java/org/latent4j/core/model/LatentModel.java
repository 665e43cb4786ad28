package org.latent4j.core.model;

import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * An autoencoder with a latent bottleneck. One generic trainer serves every model through
 * {@link #loss}; evaluation, sampling and the diagnostics use the other methods.
 */
public abstract class LatentModel extends Module {
    /** The training objective for one batch. */
    public abstract LossResult loss(Batch batch, TrainingProgress progress, Rng rng);

    /** The model's validated configuration (a record; saved as JSON beside the weights). */
    public abstract Record config();

    /** The model's kind as the CLI names it: "vae", "iwae", ... */
    public abstract String kind();

    public abstract int dataDim();

    public abstract int latentDim();

    public abstract Likelihood likelihood();

    /**
     * The encoder's posterior q(z|x) for x (for a hierarchical model, of the latent layer nearest the
     * data). A deterministic autoencoder returns its code as the mean with a log-variance of zero that no
     * computation uses; see {@link #isStochastic()}.
     */
    public abstract org.latent4j.core.distributions.DiagonalGaussian encode(Tensor x, Tensor condition);

    /**
     * The layer the latent diagnostics describe: the one whose prior is N(0, I). For a single-layer model it is z,
     * the layer of {@link #encode}; a hierarchical model names its top layer.
     */
    public LatentLayer diagnosedLayer() {
        return LatentLayer.single(latentDim());
    }

    /**
     * The posterior of {@link #diagnosedLayer()}, [batch, its dimensions], for the rows whose {@link #encode}
     * posterior is {@code encoded}. For a single-layer model it is {@code encoded} itself; a hierarchical model
     * draws the layers in between from {@code rng}.
     */
    public org.latent4j.core.distributions.DiagonalGaussian diagnosedPosterior(org.latent4j.core.distributions.DiagonalGaussian encoded, Rng rng) {
        return encoded;
    }

    /** Decoder output (likelihood parameters) for latent codes z [..., latent]. */
    public abstract Tensor decode(Tensor z, Tensor condition);

    /**
     * How many classes the model is conditioned on: 0 for an unconditional model, else every input comes with
     * the one-hot of its class label as its condition (see {@link #labelCondition}). The trainer and the
     * commands build conditions from a dataset's labels through these two methods.
     */
    public int conditionClasses() {
        return 0;
    }

    /** The condition of inputs with these class labels: their one-hot [labels.length, conditionClasses()]. */
    public final Tensor labelCondition(int[] labels) {
        int classes = conditionClasses();
        if (classes == 0) throw new UnsupportedOperationException(kind() + ": an unconditional model takes no condition");
        return org.latent4j.tensor.ops.IndexOps.oneHot(labels, classes);
    }

    /** Whether the bottleneck is stochastic (false for the deterministic autoencoder). */
    public boolean isStochastic() {
        return true;
    }

    /**
     * log importance weights log p(x, z_i) - log q(z_i | x) for k samples z_i ~ q(z|x): shape [k, b].
     * logmeanexp over the first axis is the IWAE bound L_k; with k = 1 its mean is the ELBO, and with
     * large k it estimates log p(x). Deterministic models throw.
     */
    public abstract Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng);

    /** Samples from the prior, decoded to likelihood parameters: [n, d * p]. */
    public abstract Tensor samplePrior(int n, Tensor condition, Rng rng);

    /**
     * Sets the decoder's output bias so that the initial reconstruction is the training data mean (the
     * IWAE paper starts Bernoulli logits at the logit of the clipped pixel mean). Models without such a
     * bias throw.
     */
    public void initialiseOutputBias(float[] dataMean) {
        throw new UnsupportedOperationException(kind() + ": has no decoder output bias to initialise");
    }

    /** Checks a data-mean vector's length against the model's data dimension. */
    protected final void checkMean(float[] dataMean, int dataDim) {
        if (dataMean == null || dataMean.length != dataDim) {
            throw new IllegalArgumentException(kind() + ".initialiseOutputBias: the data mean must have " + dataDim + " entries, got "
                    + (dataMean == null ? "null" : dataMean.length));
        }
    }

    /**
     * N(0, I) over {@code dim} latents, broadcasting against [..., dim]. Persistent: a model may be built
     * inside a workspace scope and must outlive it.
     */
    protected static org.latent4j.core.distributions.DiagonalGaussian standardPrior(int dim) {
        return new org.latent4j.core.distributions.DiagonalGaussian(Tensor.persistentZeros(dim), Tensor.persistentZeros(dim));
    }
}
