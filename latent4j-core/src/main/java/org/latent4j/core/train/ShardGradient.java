package org.latent4j.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.StepState;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * One replica's share of a data-parallel training step: the gradient of its batch's mean loss, flat, in the order of
 * the model's named parameters ({@link LatentModel#namedParameters()}), with the loss terms, the metrics and the state the
 * step hooks read ({@link StepState}), and the rows it covered. Everything is plain arrays and numbers, so that it
 * serialises as it is.
 *
 * <p>{@link #average} merges the shards of a step into the step of one process whose batch is the shards' batches
 * concatenated in shard order: the gradient of the mean loss over that batch is the row-weighted mean of the shards'
 * gradients (sum over shards of rows_i / rows * g_i), exactly for every loss that is a mean over rows of per-row terms,
 * and so are the loss terms and metrics; the states are concatenated. The master then loads the averaged gradient into
 * its parameters ({@link #loadInto}) and applies it with {@link OptimizerStep}, hooks included.
 *
 * <p>Losses with a term over the whole batch (the MMD of InfoVAE and WAE, the sliced Wasserstein distance) are means of
 * per-shard batch terms instead: the same estimator with a smaller batch per term, not the larger batch's one.
 *
 * @param gradient       the gradient of the batch's mean loss, flat in the order of the named parameters (a parameter the
 *                       loss did not reach contributes zeros)
 * @param rows           the rows of the batch (0: this replica had no rows this step, and every other field is empty)
 * @param loss           the mean loss over the batch
 * @param reconstruction its reconstruction term
 * @param regularization its regularisation term
 * @param metrics        the model's metrics for the batch, in their order
 * @param state          the state the step hooks read, or null when the model keeps none
 * @param computeSeconds wall time of the forward and backward passes on the replica
 */
public record ShardGradient(float[] gradient, int rows, double loss, double reconstruction, double regularization, Map<String, Double> metrics,
                            StepState state, double computeSeconds) implements Serializable {
    /** Copies the metrics into a serialisable map in their order. */
    public ShardGradient {
        if (rows < 0) throw new IllegalArgumentException("ShardGradient: rows must be >= 0, got " + rows);
        metrics = metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metrics);
    }

    /**
     * What a replica with no rows in a step contributes: nothing.
     *
     * @return an empty shard
     */
    public static ShardGradient empty() {
        return new ShardGradient(new float[0], 0, 0, 0, 0, null, null, 0);
    }

    /**
     * Runs the model's loss on the batch and back-propagates it, then copies the gradients and the step state out (so the
     * caller may close the workspace scope of the step right after). The model's gradients are zeroed first; its weights
     * and buffers are not changed.
     *
     * @param model    the replica, holding the master's current weights and buffers
     * @param batch    this replica's rows of the step
     * @param progress the step and epoch
     * @param rng      this replica's generator for the step
     * @return the shard's gradient and report
     * @throws IllegalArgumentException if the model keeps a step state that is not a {@link StepState}, which cannot be
     *                                  merged across replicas
     */
    public static ShardGradient compute(LatentModel model, Batch batch, TrainingProgress progress, Rng rng) {
        long start = System.nanoTime();
        List<Tensor> parameters = model.parameters();
        for (Tensor p : parameters) p.zeroGrad();
        LossResult r = model.loss(batch, progress, rng);
        Object state = r.state();
        if (state != null && !(state instanceof StepState)) {
            throw new IllegalArgumentException("data-parallel training: the " + model.kind() + " model keeps a step state of type "
                    + state.getClass().getName() + ", which cannot be merged across replicas");
        }
        double loss = r.loss().item();
        r.loss().backward();
        float[] flat = new float[Math.toIntExact(model.parameterCount())];
        int at = 0;
        for (Tensor p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                Tensor c = g.contiguous();
                System.arraycopy(c.data(), c.offset(), flat, at, p.size());
            }
            at += p.size();
        }
        return new ShardGradient(flat, batch.size(), loss, r.reconstruction().item(), r.regularization().item(), r.metrics(),
                (StepState) state, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The step of one process whose batch is the shards' batches concatenated in the given order: gradients, loss terms and
     * metrics averaged with weights rows_i / rows (summed in double, in shard order, so the result does not depend on
     * anything but the shards), states concatenated. Shards without rows are left out.
     *
     * @param shards the shards of one step, in shard order
     * @return their merge; its {@code computeSeconds} is the slowest shard's
     * @throws IllegalArgumentException if no shard has rows, or the gradients differ in length
     */
    public static ShardGradient average(List<ShardGradient> shards) {
        List<ShardGradient> live = new ArrayList<>();
        long rows = 0;
        double slowest = 0;
        for (ShardGradient s : shards) {
            slowest = Math.max(slowest, s.computeSeconds());
            if (s.rows() == 0) continue;
            live.add(s);
            rows += s.rows();
        }
        if (live.isEmpty()) throw new IllegalArgumentException("ShardGradient.average: no shard has rows");
        int n = live.getFirst().gradient().length;
        double[] sum = new double[n];
        double loss = 0, reconstruction = 0, regularization = 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<StepState> states = new ArrayList<>();
        for (ShardGradient s : live) {
            if (s.gradient().length != n) {
                throw new IllegalArgumentException("ShardGradient.average: gradients of " + n + " and " + s.gradient().length + " values");
            }
            double w = (double) s.rows() / rows;
            float[] g = s.gradient();
            for (int i = 0; i < n; i++) sum[i] += w * g[i];
            loss += w * s.loss();
            reconstruction += w * s.reconstruction();
            regularization += w * s.regularization();
            s.metrics().forEach((name, v) -> metrics.merge(name, w * v, Double::sum));
            if (s.state() != null) states.add(s.state());
        }
        float[] mean = new float[n];
        for (int i = 0; i < n; i++) mean[i] = (float) sum[i];
        if (!states.isEmpty() && states.size() != live.size()) {
            throw new IllegalArgumentException("ShardGradient.average: " + states.size() + " of " + live.size() + " shards kept a step state");
        }
        return new ShardGradient(mean, Math.toIntExact(rows), loss, reconstruction, regularization, metrics, StepState.concatAll(states), slowest);
    }

    /**
     * Writes this gradient into the parameters' gradient buffers, replacing what they held.
     *
     * @param parameters the parameters, in the order of the model's named parameters (an optimizer's list)
     * @throws IllegalArgumentException if their sizes do not add up to the gradient's length
     */
    public void loadInto(List<Tensor> parameters) {
        long total = 0;
        for (Tensor p : parameters) total += p.size();
        if (total != gradient.length) {
            throw new IllegalArgumentException("ShardGradient.loadInto: " + gradient.length + " gradient values for parameters of " + total);
        }
        int[] at = {0};
        for (Tensor p : parameters) {
            p.zeroGrad();
            int from = at[0];
            Autograd.accumulateInto(p, (destination, accumulate) -> {
                float[] d = destination.data();
                int o = destination.offset();
                for (int i = 0; i < p.size(); i++) d[o + i] = accumulate ? d[o + i] + gradient[from + i] : gradient[from + i];
            });
            at[0] += p.size();
        }
    }

    /**
     * The LossResult of the merged step, as the master's hooks see it: scalar loss terms, the metrics and the merged state.
     *
     * @return the result
     */
    public LossResult asLossResult() {
        return new LossResult(Tensor.scalar((float) loss), Tensor.scalar((float) reconstruction), Tensor.scalar((float) regularization), metrics, state);
    }
}
