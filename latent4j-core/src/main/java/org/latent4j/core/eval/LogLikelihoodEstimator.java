package org.latent4j.core.eval;

import java.util.Arrays;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Importance-sampled estimates of log p(x) (Burda et al. 2016): per example the bound
 * L_k = log (1/k) sum_i w_i with w_i = p(x, z_i) / q(z_i | x), z_i ~ q(z | x), from
 * {@link org.latent4j.core.model.LikelihoodBound#logImportanceWeights}. L_k never exceeds log p(x) in expectation and approaches it as k
 * grows; the IWAE paper's test log-likelihood is the mean of L_5000 over the test set.
 *
 * <p>From the same samples it also gives the ELBO, E_q[log w], estimated as the mean of log w over the k
 * samples: the k = 1 bound L_1 with k times less Monte Carlo noise than a single sample. With k = 1 the
 * two coincide. And the effective sample size (sum w)^2 / sum w^2 of each example's weights, which tells
 * how far L_k can be trusted: an ESS of a few out of thousands means q(z|x) misses the posterior's mass.
 *
 * <p>Reproducibility: example {@code i} (its row in the data) draws its samples from
 * {@code new Rng(seed).fork(i)}, and its c-th call of at most {@code samplesPerCall} samples from
 * {@code .fork(c)} of that; given row keys ({@link #estimate(LatentModel, Tensor, Tensor, long[], ProgressListener)}),
 * example i draws from {@code new Rng(seed).fork(rowKeys[i])} instead, which data without a stable order (a Spark
 * partition) need. The estimate for an example is therefore a function of the seed, its row (or key), k
 * and samplesPerCall only: the same whatever {@code examplesPerTask} and the thread count. (The model draws
 * the noise of one call jointly for all rows it is given, so passing several examples to one call would
 * make an example's samples depend on its neighbours; this is why each call carries one example and up
 * to samplesPerCall of its samples, the rows that the decoder's matrix products batch over.)
 *
 * <p>Memory: a call works on [samplesPerCall, 1, features] tensors, one call in flight per thread, and
 * the k weights of an example are folded into a running log-sum-exp in double.
 */
public final class LogLikelihoodEstimator {
    /** The IWAE paper's test protocol. */
    public static final int DEFAULT_SAMPLES = 5000;
    /** Samples per model call unless told otherwise: a [1000, 1, features] working set per thread. */
    public static final int DEFAULT_SAMPLES_PER_CALL = 1000;
    /** Examples per unit of parallel work unless told otherwise (no effect on the result). */
    public static final int DEFAULT_EXAMPLES_PER_TASK = 16;

    private final int samples;
    private final int samplesPerCall;
    private final int examplesPerTask;
    private final long seed;

    /**
     * An estimator.
     *
     * @param samples         k, importance samples per example
     * @param samplesPerCall  samples per model call (caps the working set; part of what the seed means)
     * @param examplesPerTask examples per unit of parallel work (no effect on the result)
     * @param seed            the seed of every example's stream
     */
    public LogLikelihoodEstimator(int samples, int samplesPerCall, int examplesPerTask, long seed) {
        if (samples < 1 || samplesPerCall < 1 || examplesPerTask < 1) {
            throw new IllegalArgumentException("LogLikelihoodEstimator: samples (" + samples + "), samplesPerCall (" + samplesPerCall
                    + ") and examplesPerTask (" + examplesPerTask + ") must be positive");
        }
        this.samples = samples;
        this.samplesPerCall = samplesPerCall;
        this.examplesPerTask = examplesPerTask;
        this.seed = seed;
    }

    /**
     * {@return an estimator with k samples per example and the default call and task sizes}
     *
     * @param samples k, importance samples per example
     * @param seed    the seed of every example's stream
     */
    public static LogLikelihoodEstimator of(int samples, long seed) {
        return new LogLikelihoodEstimator(samples, DEFAULT_SAMPLES_PER_CALL, DEFAULT_EXAMPLES_PER_TASK, seed);
    }

    /** {@return k, the importance samples per example} */
    public int samples() {
        return samples;
    }

    /** {@return the samples per model call} */
    public int samplesPerCall() {
        return samplesPerCall;
    }

    /** {@return the seed of every example's stream} */
    public long seed() {
        return seed;
    }

    /**
     * Estimates L_k, the ELBO and the effective sample size for every row of {@code x} [n, features]
     * (with {@code condition} [n, c] for a conditional model, else null), under {@link GradMode#disabled()}.
     * The data are taken as they are: a protocol that binarizes test data stochastically does so before.
     *
     * @param model     a model with a likelihood bound ({@link org.latent4j.core.model.LikelihoodBound})
     * @param x         the rows [n, features], preprocessed as in training
     * @param condition their one-hot conditions [n, c], or null
     * @param listener  told how many examples are done
     * @return L_k, the ELBO and the effective sample size of every row
     */
    public LogLikelihoodResult estimate(LatentModel model, Tensor x, Tensor condition, ProgressListener listener) {
        return estimate(model, x, condition, null, listener);
    }

    /**
     * {@link #estimate(LatentModel, Tensor, Tensor, ProgressListener)} with each example's samples drawn from a stream of its
     * key rather than of its row: the same key, seed and k give the same estimate in any data set, batch or order.
     *
     * @param model     a model with a likelihood bound
     * @param x         the rows [n, features], preprocessed as in training
     * @param condition their one-hot conditions [n, c], or null
     * @param rowKeys   a key per row (e.g. {@link org.latent4j.core.data.ModelInput#rowKey}), or null for the rows' positions
     * @param listener  told how many examples are done
     * @return L_k, the ELBO and the effective sample size of every row
     */
    public LogLikelihoodResult estimate(LatentModel model, Tensor x, Tensor condition, long[] rowKeys, ProgressListener listener) {
        checkInputs("LogLikelihoodEstimator", model, x, condition);
        if (rowKeys != null && rowKeys.length != x.dim(0)) {
            throw new IllegalArgumentException("LogLikelihoodEstimator: " + rowKeys.length + " row keys for " + x.dim(0) + " rows");
        }
        if (!(model instanceof LikelihoodBound bound)) {
            throw new IllegalArgumentException("LogLikelihoodEstimator: the " + model.kind() + " model has no prior and posterior, so no likelihood bound");
        }
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        int n = x.dim(0);
        double[] boundPerExample = new double[n];
        double[] elbo = new double[n];
        double[] ess = new double[n];
        Rng root = new Rng(seed);
        int tasks = (n + examplesPerTask - 1) / examplesPerTask;
        Object progressLock = new Object();
        long[] done = {0};
        Parallel.forEach(tasks, task -> {
            try (var noGrad = GradMode.disabled()) {
                Workspace workspace = new Workspace();
                int end = Math.min(n, (task + 1) * examplesPerTask);
                for (int i = task * examplesPerTask; i < end; i++) {
                    estimateExample(bound, model.kind(), x, condition, i, root.fork(rowKeys == null ? i : rowKeys[i]), workspace, boundPerExample, elbo, ess);
                    synchronized (progressLock) {
                        progress.progress(++done[0], n);
                    }
                }
            }
        });
        return new LogLikelihoodResult(samples, samplesPerCall, seed, boundPerExample, elbo, ess);
    }

    private void estimateExample(LikelihoodBound model, String kind, Tensor x, Tensor condition, int row, Rng rng, Workspace workspace,
                                 double[] bound, double[] elbo, double[] ess) {
        // Running log-sum-exp: max is the largest log weight so far, sum and sumSquares are sum_i w_i / e^max
        // and sum_i w_i^2 / e^(2 max), rescaled whenever max grows.
        double max = Double.NEGATIVE_INFINITY, sum = 0, sumSquares = 0, logWeightSum = 0;
        int calls = (samples + samplesPerCall - 1) / samplesPerCall;
        for (int c = 0; c < calls; c++) {
            int m = Math.min(samplesPerCall, samples - c * samplesPerCall);
            float[] logWeights;
            try (var scope = workspace.open()) {
                Tensor xi = x.slice(0, row, row + 1);
                Tensor ci = condition == null ? null : condition.slice(0, row, row + 1);
                Tensor lw = model.logImportanceWeights(xi, ci, m, rng.fork(c));
                if (lw.rank() != 2 || lw.dim(0) != m || lw.dim(1) != 1) {
                    throw new ShapeException("LogLikelihoodEstimator: " + kind + ".logImportanceWeights for " + m
                            + " samples of one example returned " + Shape.str(lw.shape()) + ", expected [" + m + ", 1]");
                }
                logWeights = lw.toArray();
            }
            for (float f : logWeights) {
                double v = f;
                if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                    throw new IllegalStateException("LogLikelihoodEstimator: log importance weight " + v + " for example " + row
                            + " of the " + kind + " model");
                }
                logWeightSum += v;
                if (v == Double.NEGATIVE_INFINITY) continue; // a zero weight adds nothing to the sums
                if (v > max) {
                    double scale = Math.exp(max - v);
                    sum = sum * scale + 1;
                    sumSquares = sumSquares * scale * scale + 1;
                    max = v;
                } else {
                    double w = Math.exp(v - max);
                    sum += w;
                    sumSquares += w * w;
                }
            }
        }
        bound[row] = max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum) - Math.log(samples);
        elbo[row] = logWeightSum / samples;
        ess[row] = max == Double.NEGATIVE_INFINITY ? 0 : sum * sum / sumSquares;
    }

    /** One clear message for inputs that do not fit the model. */
    static void checkInputs(String who, LatentModel model, Tensor x, Tensor condition) {
        if (x == null || x.rank() != 2 || x.dim(1) != model.dataDim()) {
            throw new ShapeException(who + ": x " + (x == null ? "null" : Shape.str(x.shape())) + " must be [examples, "
                    + model.dataDim() + "] for the " + model.kind() + " model");
        }
        if (x.dim(0) == 0) throw new IllegalArgumentException(who + ": no examples");
        if (condition != null && (condition.rank() != 2 || condition.dim(0) != x.dim(0))) {
            throw new ShapeException(who + ": condition " + Shape.str(condition.shape()) + " must be [" + x.dim(0) + ", c] to match x "
                    + Shape.str(x.shape()));
        }
    }

    @Override
    public String toString() {
        return "LogLikelihoodEstimator[k=" + samples + ", samplesPerCall=" + samplesPerCall + ", seed=" + seed + "]";
    }

    static double[] copy(double[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
