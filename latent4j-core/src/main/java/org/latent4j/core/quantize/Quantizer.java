package org.latent4j.core.quantize;

import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A discrete bottleneck: maps continuous vectors to codes from one or more codebooks and back to vectors, with a
 * gradient estimator that lets the encoder learn through the choice (the straight-through estimator, the rotation
 * trick, ...). Rows are independent: a model with a grid of codes quantizes batch x positions rows.
 *
 * <p>State: codebooks that are not trained by gradient (EMA codebooks, frozen codebooks) and usage statistics are
 * buffers ({@link Module#buffer}), so they are saved with the model and in checkpoints, and a resumed run continues
 * exactly. The model calls {@link #initialise} from its own {@code initialise} hook (with encoder outputs) and
 * {@link #afterOptimizerStep} from its own after-step hook (with this step's {@link Quantized}).
 */
public abstract class Quantizer extends Module {
    /** For subclasses. */
    protected Quantizer() {}

    /**
     * Width of the vectors quantized (and of the vectors returned).
     *
     * @return the width
     */
    public abstract int dim();

    /**
     * Codes of each stage's codebook, in stage order (one stage for a single codebook).
     *
     * @return the sizes
     */
    public abstract int[] codebookSizes();

    /**
     * Codebooks per row.
     *
     * @return the number of stages
     */
    public int stages() {
        return codebookSizes().length;
    }

    /**
     * Quantizes the rows of z [n, dim]. In training the output carries the estimator's gradient to z and the
     * auxiliary loss (codebook, commitment) is part of the result; outside training (under no-grad) the output is the
     * code vectors.
     *
     * @param z the rows
     * @param training whether this is a training step
     * @return the quantized rows and their codes
     */
    public abstract Quantized quantize(Tensor z, boolean training);

    /**
     * {@link #quantize(Tensor, boolean)} with a generator for a quantizer that draws random numbers in training
     * (quantizer dropout, say): a model calls this one in its loss with the step's generator, so that a step's draws are
     * a function of the seed and the step only. The default ignores {@code rng}.
     *
     * @param z the rows
     * @param training whether this is a training step
     * @param rng the generator
     * @return the quantized rows and their codes
     */
    public Quantized quantize(Tensor z, boolean training, Rng rng) {
        return quantize(z, training);
    }

    /**
     * The vectors [n, dim] of codes given as [n, stages] row-major (for a residual quantizer, the sum over stages).
     *
     * @param indices the codes
     * @param n the number of rows
     * @return the vectors
     */
    public abstract Tensor decode(int[] indices, int n);

    /**
     * Data-dependent initialisation from encoder outputs [m, dim] (k-means++, say); the default does nothing.
     *
     * @param vectors the encoder outputs
     * @param rng draws the choices
     */
    public void initialise(Tensor vectors, Rng rng) {}

    /**
     * After the optimizer's step, with this step's quantization (EMA updates, dead-code restarts); the default does nothing.
     *
     * @param step this step's quantization
     * @param rng draws restarts
     */
    public void afterOptimizerStep(Quantized step, Rng rng) {}
}
