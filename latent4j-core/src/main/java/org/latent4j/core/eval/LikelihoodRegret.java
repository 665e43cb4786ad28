package org.latent4j.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.model.IterativeInference;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/**
 * The likelihood regret of Xiao, Yan and Amit (2020, "Likelihood Regret: An Out-of-Distribution Detection Score for
 * Variational Auto-encoder"), in its amortisation-gap form: how much a row's ELBO improves when its own posterior
 * q(z|x) is fitted to it, with the decoder fixed, over the one the encoder gives. The encoder was fitted to the normal
 * rows, so it places their posteriors close to the best one; for a row unlike them it errs, and fitting closes a
 * larger gap. The regret is that gap: refined ELBO - amortised ELBO, higher = more anomalous.
 *
 * <p>Each row's posterior mean and log-variance start at the encoder's and take {@link Options#steps()} Adam steps on
 * the row's -ELBO ({@link Options#samples()} reparameterised samples a step); both ELBOs are then estimated with the
 * same {@link Options#evaluationSamples()} noise draws, so that their difference carries less Monte Carlo noise than
 * either. A row's refinement touches only its own parameters (Adam is elementwise), and its noise comes from a stream
 * of its own, {@code new Rng(seed).fork(key)} with key its row index or its row key: a row's regret does not depend on
 * the batch, the other rows or the thread count.
 *
 * <p>Measured on one-class Fashion-MNIST (docs/benchmarks.md) the regret ranks anomalies better than -log p(x) on most
 * classes; it costs about {@code steps} forward and backward passes of the decoder per row.
 */
public final class LikelihoodRegret {
    private LikelihoodRegret() {}

    /** Rows refined together (the decoder's matrix products batch over them; no effect on the result). */
    static final int BATCH = 256;

    /** The stream of a row's evaluation noise, apart from the steps' streams 0 .. steps - 1. */
    private static final long EVALUATION = -1;

    /**
     * How the posteriors are refined.
     *
     * @param steps             Adam steps on each row's posterior
     * @param learningRate      Adam's step size on the posterior's mean and log-variance
     * @param samples           reparameterised samples of a step's -ELBO
     * @param evaluationSamples samples of the amortised and the refined ELBO
     */
    public record Options(int steps, double learningRate, int samples, int evaluationSamples) {
        /**
         * The prototype's settings (bench/anomaly_vae_ideas.py): 50 steps at rate 0.05, 4 samples a step, 20 to evaluate.
         * On one-class Fashion-MNIST, 150 steps or rates of 0.02 and 0.1 moved no AUROC by more than 0.001.
         */
        public static final Options DEFAULTS = new Options(50, 0.05, 4, 20);

        /** Requires positive counts and a positive, finite learning rate. */
        public Options {
            if (steps < 1 || samples < 1 || evaluationSamples < 1) {
                throw new IllegalArgumentException("LikelihoodRegret: steps (" + steps + "), samples (" + samples + ") and evaluation samples ("
                        + evaluationSamples + ") must be positive");
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("LikelihoodRegret: the learning rate must be positive and finite, got " + learningRate);
            }
        }
    }

    /**
     * The regret of each row of x.
     *
     * @param model     a model with one Gaussian posterior ({@link IterativeInference})
     * @param x         the rows, [n, features]
     * @param condition their conditions, [n, c], or null
     * @param options   the refinement
     * @param seed      the seed of every row's stream
     * @param rowKeys   a key per row, or null for the rows' positions
     * @param listener  progress over the rows, or null
     * @return one regret per row, higher for more anomalous rows
     * @throws IllegalArgumentException when the model has no single Gaussian posterior to refine
     */
    public static double[] score(LatentModel model, Tensor x, Tensor condition, Options options, long seed, long[] rowKeys,
                                 ProgressListener listener) {
        if (!(model instanceof IterativeInference refinable)) {
            throw new IllegalArgumentException("LikelihoodRegret: the " + model.kind() + " model has no single Gaussian posterior to refine");
        }
        LogLikelihoodEstimator.checkInputs("LikelihoodRegret", model, x, condition);
        if (rowKeys != null && rowKeys.length != x.dim(0)) {
            throw new IllegalArgumentException("LikelihoodRegret: " + rowKeys.length + " row keys for " + x.dim(0) + " rows");
        }
        int n = x.dim(0);
        double[] out = new double[n];
        Rng root = new Rng(seed);
        Workspace workspace = new Workspace();
        // The decoder is fixed: its parameters stop asking for gradients while the posteriors are fitted. A model is
        // shared by the threads of one JVM (a Spark executor's cache), so refinements take turns on it; scores that
        // run without gradients do not read these flags.
        synchronized (model) {
            List<Tensor> frozen = new ArrayList<>();
            try {
                for (Tensor p : model.parameters()) {
                    if (p.requiresGrad()) {
                        p.requiresGrad(false);
                        frozen.add(p);
                    }
                }
                for (int lo = 0; lo < n; lo += BATCH) {
                    int hi = Math.min(n, lo + BATCH);
                    Rng[] rows = new Rng[hi - lo];
                    for (int r = lo; r < hi; r++) rows[r - lo] = root.fork(rowKeys == null ? r : rowKeys[r]);
                    refineBatch(refinable, x.slice(0, lo, hi), condition == null ? null : condition.slice(0, lo, hi), options, rows, workspace, out, lo);
                    if (listener != null) listener.progress(hi, n);
                }
            } finally {
                for (Tensor p : frozen) p.requiresGrad(true);
            }
        }
        return out;
    }

    private static void refineBatch(IterativeInference model, Tensor x, Tensor condition, Options o, Rng[] rows, Workspace workspace,
                                    double[] out, int lo) {
        int b = x.dim(0), d;
        DiagonalGaussian refining;
        double[] amortised;
        Tensor evaluationNoise;
        try (var noGrad = GradMode.disabled()) {
            DiagonalGaussian q = model.posterior(x, condition);
            d = q.mean().dim(1);
            refining = new DiagonalGaussian(Tensor.persistentZeros(b, d).copyFrom(q.mean()).requiresGrad(true),
                    Tensor.persistentZeros(b, d).copyFrom(q.logVar()).requiresGrad(true));
            evaluationNoise = Tensor.wrap(noise(rows, EVALUATION, o.evaluationSamples(), d), o.evaluationSamples(), b, d);
            amortised = meanOverSamples(model.elboSamples(x, condition, q, evaluationNoise));
        }
        Adam adam = new Adam(List.of(refining.mean(), refining.logVar()), AdamOptions.DEFAULTS.withLearningRate(o.learningRate()));
        try (var grad = GradMode.enabled()) {
            for (int step = 0; step < o.steps(); step++) {
                try (var scope = workspace.open()) {
                    Tensor eps = Tensor.wrap(noise(rows, step, o.samples(), d), o.samples(), b, d);
                    Tensor elbo = model.elboSamples(x, condition, refining, eps);
                    adam.zeroGrad();
                    // each row's -ELBO, summed over rows: a row's gradient is its own
                    elbo.sum().mul(-1f / o.samples()).backward();
                    adam.step();
                }
            }
        }
        try (var noGrad = GradMode.disabled()) {
            double[] refined = meanOverSamples(model.elboSamples(x, condition, refining, evaluationNoise));
            // a fit that diverged leaves the row as the least explained there is
            for (int r = 0; r < b; r++) out[lo + r] = Double.isFinite(refined[r]) ? refined[r] - amortised[r] : Double.POSITIVE_INFINITY;
        }
    }

    /** Noise [k, rows, d] laid out for the model, row r's k * d values drawn from its stream's fork {@code stream}. */
    private static float[] noise(Rng[] rows, long stream, int k, int d) {
        int b = rows.length;
        float[] eps = new float[k * b * d];
        for (int r = 0; r < b; r++) {
            float[] own = rows[r].fork(stream).normal(0f, 1f, k * d).toArray();
            for (int s = 0; s < k; s++) System.arraycopy(own, s * d, eps, (s * b + r) * d, d);
        }
        return eps;
    }

    /** Per row, the mean over the samples of [k, b] ELBO estimates, in double. */
    private static double[] meanOverSamples(Tensor elbo) {
        int k = elbo.dim(0), b = elbo.dim(1);
        float[] w = elbo.contiguous().toArray();
        double[] out = new double[b];
        for (int s = 0; s < k; s++) for (int r = 0; r < b; r++) out[r] += w[s * b + r];
        for (int r = 0; r < b; r++) out[r] /= k;
        return out;
    }
}
