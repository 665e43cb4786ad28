package org.latent4j.core.eval;

import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.random.Rng;

/**
 * Per-row anomaly scores of a trained model ({@link AnomalyScore}; higher = more anomalous), without gradients.
 * The likelihood scores come from {@link LogLikelihoodEstimator}, so they carry its reproducibility: a row's score is
 * a function of the seed, its row index and the sample counts, not of the batch or thread count. Given row keys, a row's
 * score is a function of its key instead of its index (for data without a stable order, such as a Spark partition).
 */
public final class AnomalyScorer {
    private AnomalyScorer() {}

    /** Domain of the keyed code samples under the seed, apart from the importance samples' streams. */
    private static final long KEYED = 0x52505F_4B4559L;

    /** Rows per encoder/decoder call of the reconstruction scores. */
    static final int BATCH = 256;

    /**
     * Scores of the rows of x [n, features] (condition [n, c] for a conditional model, else null).
     *
     * @param model             the trained model
     * @param x                 the rows, [n, features]
     * @param condition         the condition, [n, c], or null
     * @param score             which score
     * @param importanceSamples k of {@link AnomalyScore#NLL} and {@link AnomalyScore#NEG_ELBO}
     * @param codeSamples       L of {@link AnomalyScore#RECONSTRUCTION_PROBABILITY}
     * @param seed              the seed of the samples drawn
     * @param listener          progress over the rows (the likelihood scores and the regret only), or null
     * @return one score per row, higher for more anomalous rows
     * @throws IllegalArgumentException when the model cannot give {@code score} (the message says why) or a count is not positive
     */
    public static double[] score(LatentModel model, Tensor x, Tensor condition, AnomalyScore score, int importanceSamples, int codeSamples,
                                 long seed, ProgressListener listener) {
        return score(model, x, condition, score, importanceSamples, codeSamples, seed, null, listener);
    }

    /**
     * {@link #score(LatentModel, Tensor, Tensor, AnomalyScore, int, int, long, ProgressListener)} with each row's samples
     * drawn from a stream of its key: row i's importance samples from {@code new Rng(seed).fork(rowKeys[i])} (as
     * {@link LogLikelihoodEstimator} does), its code samples of the reconstruction probability from
     * {@code new Rng(seed).fork(KEYED).fork(rowKeys[i]).fork(l)}. The scores then do not depend on the batch, the order
     * or the other rows.
     *
     * @param model             the trained model
     * @param x                 the rows, [n, features]
     * @param condition         the condition, [n, c], or null
     * @param score             which score
     * @param importanceSamples k of {@link AnomalyScore#NLL} and {@link AnomalyScore#NEG_ELBO}
     * @param codeSamples       L of {@link AnomalyScore#RECONSTRUCTION_PROBABILITY}
     * @param seed              the seed of the samples drawn
     * @param rowKeys           a key per row, or null for the rows' positions
     * @param listener          progress over the rows (the likelihood scores and the regret only), or null
     * @return one score per row, higher for more anomalous rows
     */
    public static double[] score(LatentModel model, Tensor x, Tensor condition, AnomalyScore score, int importanceSamples, int codeSamples,
                                 long seed, long[] rowKeys, ProgressListener listener) {
        String refused = score.unsupportedReason(model);
        if (refused != null) throw new IllegalArgumentException("score " + score.word() + ": " + refused);
        if (importanceSamples < 1 || codeSamples < 1) {
            throw new IllegalArgumentException("AnomalyScorer: importance samples (" + importanceSamples + ") and code samples (" + codeSamples
                    + ") must be positive");
        }
        LogLikelihoodEstimator.checkInputs("AnomalyScorer", model, x, condition);
        if (rowKeys != null && rowKeys.length != x.dim(0)) {
            throw new IllegalArgumentException("AnomalyScorer: " + rowKeys.length + " row keys for " + x.dim(0) + " rows");
        }
        return switch (score) {
            case NLL, NEG_ELBO -> {
                LogLikelihoodResult r = LogLikelihoodEstimator.of(importanceSamples, seed).estimate(model, x, condition, rowKeys, listener);
                double[] perRow = score == AnomalyScore.NLL ? r.boundPerExample() : r.elboPerExample();
                for (int i = 0; i < perRow.length; i++) perRow[i] = -perRow[i];
                yield perRow;
            }
            case RECONSTRUCTION -> reconstruction(model, x, condition);
            case RECONSTRUCTION_PROBABILITY -> reconstructionProbability(model, x, condition, codeSamples, seed, rowKeys);
            case LIKELIHOOD_REGRET -> LikelihoodRegret.score(model, x, condition, LikelihoodRegret.Options.DEFAULTS, seed, rowKeys, listener);
        };
    }

    private static double[] reconstruction(LatentModel model, Tensor x, Tensor condition) {
        int n = x.dim(0);
        double[] out = new double[n];
        Workspace workspace = new Workspace();
        try (var noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += BATCH) {
                int hi = Math.min(n, lo + BATCH);
                try (var scope = workspace.open()) {
                    Tensor xb = x.slice(0, lo, hi);
                    Tensor cb = condition == null ? null : condition.slice(0, lo, hi);
                    float[] logP = model.likelihood().logProb(model.reconstruct(xb, cb), xb).contiguous().toArray();
                    for (int r = 0; r < hi - lo; r++) out[lo + r] = -logP[r];
                }
            }
        }
        return out;
    }

    /**
     * -log (1/L) sum_l p(x | z_l) by a running log-sum-exp in double per row. The codes of a batch are drawn from
     * {@code new Rng(seed).fork(first row of the batch).fork(l)}, or with row keys row by row (see the public method).
     */
    private static double[] reconstructionProbability(LatentModel model, Tensor x, Tensor condition, int samples, long seed, long[] rowKeys) {
        int n = x.dim(0);
        double[] out = new double[n];
        Rng root = new Rng(seed);
        Workspace workspace = new Workspace();
        try (var noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += BATCH) {
                int hi = Math.min(n, lo + BATCH), b = hi - lo;
                double[] max = new double[b], sum = new double[b];
                java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
                Rng batchRng = root.fork(lo);
                try (var scope = workspace.open()) {
                    Tensor xb = x.slice(0, lo, hi);
                    Tensor cb = condition == null ? null : condition.slice(0, lo, hi);
                    if (!(model.encode(xb, cb) instanceof LatentCode.Gaussian g)) {
                        throw new IllegalArgumentException("score reconstruction-probability: the " + model.kind() + " model's encoder gives no Gaussian posterior");
                    }
                    for (int l = 0; l < samples; l++) {
                        Tensor z = rowKeys == null ? g.posterior().rsample(batchRng.fork(l)) : keyedSample(g.posterior(), root, rowKeys, lo, l);
                        float[] logP = model.likelihood().logProb(model.decode(z, cb), xb).contiguous().toArray();
                        for (int r = 0; r < b; r++) {
                            double v = logP[r];
                            if (v == Double.NEGATIVE_INFINITY) continue;
                            if (v > max[r]) {
                                sum[r] = sum[r] * Math.exp(max[r] - v) + 1;
                                max[r] = v;
                            } else {
                                sum[r] += Math.exp(v - max[r]);
                            }
                        }
                    }
                }
                for (int r = 0; r < b; r++) {
                    out[lo + r] = max[r] == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : -(max[r] + Math.log(sum[r]) - Math.log(samples));
                }
            }
        }
        return out;
    }

    /** Sample l of a batch's posterior, row r's noise drawn from its key's stream alone. */
    private static Tensor keyedSample(org.latent4j.core.distributions.DiagonalGaussian posterior, Rng root, long[] rowKeys, int lo, int l) {
        Tensor mean = posterior.mean();
        int b = mean.dim(0), d = mean.dim(1);
        float[] eps = new float[b * d];
        Rng keyed = root.fork(KEYED);
        for (int r = 0; r < b; r++) {
            float[] row = keyed.fork(rowKeys[lo + r]).fork(l).normal(0f, 1f, d).toArray();
            System.arraycopy(row, 0, eps, r * d, d);
        }
        return posterior.rsample(Tensor.of(eps, b, d));
    }
}
