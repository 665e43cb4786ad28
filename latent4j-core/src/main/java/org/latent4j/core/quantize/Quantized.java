package org.latent4j.core.quantize;

import java.util.Map;
import org.latent4j.tensor.Tensor;

/**
 * What a {@link Quantizer} gives for n rows.
 *
 * @param output  the quantized vectors [n, dim]; in training, differentiable in the input through the quantizer's
 *                gradient estimator
 * @param indices the chosen codes, [n, stages] row-major; -1 for a stage a training call did not run (the quantizer
 *                dropout of {@link ResidualVectorQuantizer}); never -1 outside training
 * @param loss    the auxiliary loss as a scalar: the sum over rows and features of the quantizer's terms (codebook and
 *                commitment for a VQ, zero for FSQ) divided by the number of rows; a model with P places per example
 *                multiplies it by P, so that like every loss of the library it sums over an example and averages over
 *                the batch
 * @param metrics named numbers about this quantization (perplexity of the batch's codes, codes used, ...), for the
 *                model to report
 * @param state   what the quantizer keeps from this call for {@link Quantizer#afterOptimizerStep}, or null
 */
public record Quantized(Tensor output, int[] indices, Tensor loss, Map<String, Double> metrics, Object state) {
    /** Refuses a loss that is not a scalar; copies the metrics in their order. */
    public Quantized {
        if (loss == null || loss.size() != 1) throw new IllegalArgumentException("Quantized: the loss must be a scalar");
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /**
     * What {@link Quantizer#afterOptimizerStep} reads, rebuilt from a step's state alone (a state merged over the replicas
     * of a data-parallel step, say): the state, with no output, no codes and a zero loss, which the hooks do not read.
     *
     * @param state the quantizer's step state
     * @return a result carrying only the state
     */
    public static Quantized forHooks(Object state) {
        return new Quantized(null, new int[0], Tensor.scalar(0f), null, state);
    }
}
