package org.latent4j.core.model;

import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.random.Rng;

/**
 * An autoencoder with a bottleneck of any kind: continuous, discrete or sparse. What every model does is here:
 * its training objective ({@link #loss}), its code for an input ({@link #encode}, a {@link LatentCode} that says
 * what kind of code it is), and the decoder ({@link #decode}). What only some models can do is an interface
 * they implement: {@link LikelihoodBound} (importance-sampled log-likelihood), {@link PriorSampling} (generation),
 * {@link GaussianHierarchy} (several Gaussian layers). Diagnostics attach to the kind of code, commands to the
 * interfaces: nothing pretends to a capability it does not have.
 *
 * <p>One generic trainer serves every model: before the first step of a fresh run it calls {@link #initialise}
 * (data-dependent initialisation: a decoder's output bias, a codebook's k-means), then per step {@link #loss},
 * back-propagation, {@link #beforeOptimizerStep} (e.g. projecting a gradient), the optimizer's step and
 * {@link #afterOptimizerStep} (e.g. EMA codebook updates, dead-code restarts, renormalising a decoder).
 *
 * <p>State: trainable parameters and non-trainable buffers ({@link Module#buffer}) are saved and loaded by name,
 * together, in model files and checkpoints; a hook must keep everything it needs there, so that a resumed run
 * continues exactly as an uninterrupted one.
 */
public abstract class LatentModel extends Module {
    /** For subclasses. */
    protected LatentModel() {}

    /**
     * The training objective for one batch, with what it reports about the batch.
     *
     * @param batch    the batch's inputs (and conditions)
     * @param progress the step and epoch, for schedules such as KL warm-up
     * @param rng      the step's random numbers (posterior samples, dropout of quantizer stages)
     * @return the loss to minimise and the named terms it reports
     */
    public abstract LossResult loss(Batch batch, TrainingProgress progress, Rng rng);

    /** {@return the model's validated configuration (a record; saved as JSON beside the weights)} */
    public abstract Record config();

    /** {@return the model's kind, as registered ({@link ModelKinds}): "vae", "iwae", ...} */
    public abstract String kind();

    /** {@return the number of input features the model takes} */
    public abstract int dataDim();

    /** {@return the width of the code vector the decoder takes ({@link LatentCode#vector()})} */
    public abstract int latentDim();

    /** {@return the reconstruction likelihood p(x|code) the decoder's output parameterises} */
    public abstract Likelihood likelihood();

    /**
     * The code of x [b, dataDim] (with its condition [b, c] for a conditional model, else null): the posterior
     * for a Gaussian bottleneck, the code vector for a deterministic one, the chosen codes and their vectors for
     * a discrete one, the active latents and their values for a sparse one.
     *
     * @param x         the inputs [b, dataDim], preprocessed as in training
     * @param condition their one-hot conditions [b, c], or null for an unconditional model
     * @return the code, of the kind the model has
     */
    public abstract LatentCode encode(Tensor x, Tensor condition);

    /**
     * Decodes code vectors.
     *
     * @param latents   code vectors [..., latentDim]
     * @param condition their one-hot conditions, or null for an unconditional model
     * @return the decoder's output, the likelihood's parameters [..., dataDim * p]
     */
    public abstract Tensor decode(Tensor latents, Tensor condition);

    /**
     * Encodes and decodes.
     *
     * @param x         the inputs [b, dataDim]
     * @param condition their one-hot conditions, or null for an unconditional model
     * @return the decoder's output for the code of x: its reconstruction's likelihood parameters
     */
    public Tensor reconstruct(Tensor x, Tensor condition) {
        return decode(encode(x, condition).vector(), condition);
    }

    /**
     * How many classes the model is conditioned on: 0 for an unconditional model, else every input comes with
     * the one-hot of its class label as its condition (see {@link #labelCondition}). The trainer and the
     * commands build conditions from a dataset's labels through these two methods.
     *
     * @return the number of condition classes, 0 when unconditional
     */
    public int conditionClasses() {
        return 0;
    }

    /**
     * {@return the condition of inputs with these class labels: their one-hot [labels.length, conditionClasses()]}
     *
     * @param labels class labels in [0, conditionClasses())
     */
    public final Tensor labelCondition(int[] labels) {
        int classes = conditionClasses();
        if (classes == 0) throw new IllegalArgumentException(kind() + ": an unconditional model takes no condition");
        return IndexOps.oneHot(labels, classes);
    }

    /**
     * Data-dependent initialisation, before the first step of a fresh run (a resumed run has its result in the
     * checkpoint). The default does nothing.
     *
     * @param data a view of the training rows (their count, feature means, a sample)
     * @param rng  the initialisation's random numbers
     */
    public void initialise(TrainingData data, Rng rng) {}

    /**
     * After the loss's gradients are computed, before the optimizer uses them. The default does nothing.
     *
     * @param step the step's batch, progress and random numbers
     */
    public void beforeOptimizerStep(StepContext step) {}

    /**
     * After the optimizer's step. The default does nothing.
     *
     * @param step the step's batch, progress and random numbers
     */
    public void afterOptimizerStep(StepContext step) {}

    /**
     * N(0, I) over {@code dim} latents, broadcasting against [..., dim]. Persistent: a model may be built
     * inside a workspace scope and must outlive it.
     *
     * @param dim the number of latents
     * @return the standard normal prior
     */
    protected static org.latent4j.core.distributions.DiagonalGaussian standardPrior(int dim) {
        return new org.latent4j.core.distributions.DiagonalGaussian(Tensor.persistentZeros(dim), Tensor.persistentZeros(dim));
    }
}
