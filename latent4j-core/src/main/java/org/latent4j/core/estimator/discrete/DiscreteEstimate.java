package org.latent4j.core.estimator.discrete;

import java.util.Map;
import org.latent4j.tensor.Tensor;

/**
 * An estimator's terms for one batch (scalars, means over the batch), split by whose gradient each carries, so that a
 * model can weigh or replace the encoder's part (Silent Gradients does) without touching the decoder's:
 * <ul>
 * <li>{@code decoderObjective}: gradient to the decoder (and the likelihood's parameters) only; its value is the
 *     reconstruction term -E[log p(x|z)] (for VIMCO, minus the k-sample bound);</li>
 * <li>{@code encoderObjective}: gradient to the encoder's logits only; its value is the rest of the negative bound
 *     (the KL in closed form for the ELBO estimators, 0 for VIMCO);</li>
 * <li>{@code baselineObjective}: gradient to NVIL's baseline network only, value 0; null for the other estimators.</li>
 * </ul>
 * Their sum is the loss: its value is the negative objective (the ELBO, or the k-sample bound) and its gradient the
 * estimator's.
 *
 * @param decoderObjective  the decoder's term
 * @param encoderObjective  the encoder's term
 * @param baselineObjective the baseline network's term, or null
 * @param reconstruction    mean over the batch (and samples) of -log p(x|z), a scalar value
 * @param kl                mean over the batch of KL(q(z|x) || p(z)) in closed form, a scalar value
 * @param bound             the objective's value (ELBO or k-sample bound), mean over the batch
 * @param metrics           further numbers to report (signal statistics, the temperature...), in order
 * @param signal            the batch's learning signal (mean, variance) for the running statistics, or null when the
 *                          estimator keeps none
 */
public record DiscreteEstimate(Tensor decoderObjective, Tensor encoderObjective, Tensor baselineObjective, Tensor reconstruction, Tensor kl,
                               double bound, Map<String, Double> metrics, Signal signal) {
    /** Copies the metrics in order. */
    public DiscreteEstimate {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** {@return the loss: the sum of the objectives} */
    public Tensor loss() {
        Tensor l = decoderObjective.add(encoderObjective);
        return baselineObjective == null ? l : l.add(baselineObjective);
    }

    /**
     * A batch's learning signal, for {@link SignalStatistics#update}.
     *
     * @param mean     its mean
     * @param variance its (population) variance
     * @param count    the values it summarises
     */
    public record Signal(double mean, double variance, long count) implements org.latent4j.core.model.StepState {
        /**
         * Shards of a data-parallel step: the mean and population variance of all their values, pooled from each shard's
         * (the count-weighted mean; the count-weighted within-shard variance plus the spread of the shard means).
         */
        @Override
        public org.latent4j.core.model.StepState concat(java.util.List<? extends org.latent4j.core.model.StepState> following) {
            java.util.List<Signal> all = new java.util.ArrayList<>(java.util.List.of(this));
            for (var f : following) {
                if (!(f instanceof Signal s)) throw new IllegalArgumentException("DiscreteEstimate.Signal: cannot merge with " + f);
                all.add(s);
            }
            long n = 0;
            double sum = 0;
            for (Signal s : all) {
                n += s.count;
                sum += s.mean * s.count;
            }
            double mean = sum / n, ss = 0;
            for (Signal s : all) ss += s.count * (s.variance + (s.mean - mean) * (s.mean - mean));
            return new Signal(mean, ss / n, n);
        }
    }
}
