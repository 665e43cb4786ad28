package org.latent4j.core.eval;

/**
 * Settings of an evaluation ({@link Evaluator}).
 *
 * @param importanceSamples k for the log-likelihood estimate L_k (5000 in the IWAE paper's protocol); 0 skips it
 * @param samplesPerCall    see {@link LogLikelihoodEstimator}
 * @param examplesPerTask   see {@link LogLikelihoodEstimator}
 * @param seed              seed of the importance samples, of the z_i ~ q(z|x_i) draws of the mutual information and
 *                          of the draws of the layers below a hierarchy's diagnosed one (per batch: they depend on
 *                          batchSize)
 * @param batchSize         examples per encoder/decoder call of the diagnostics
 * @param mutualInformationExamples at most this many examples (the first ones) form the aggregate posterior q(z);
 *                          the cost is O(M^2 latent), about a second for M = 10,000 and 50 latents on 2 cores
 * @param activityThreshold A_u above this makes a unit active (0.01 in the IWAE paper)
 * @param collapseKlThreshold average KL in nats below which a quiet dimension counts as collapsed
 * @param deadCodeThreshold a code (or sparse latent) used by at most this fraction of the evaluated positions (rows
 *                          for a sparse code) is dead; 0 counts only codes never used
 */
public record EvaluationOptions(int importanceSamples, int samplesPerCall, int examplesPerTask, long seed, int batchSize,
                                int mutualInformationExamples, double activityThreshold, double collapseKlThreshold, double deadCodeThreshold) {
    /** Checks each value's range. */
    public EvaluationOptions {
        if (importanceSamples < 0) throw new IllegalArgumentException("EvaluationOptions: importanceSamples must be >= 0, got " + importanceSamples);
        if (samplesPerCall < 1 || examplesPerTask < 1 || batchSize < 1 || mutualInformationExamples < 1) {
            throw new IllegalArgumentException("EvaluationOptions: samplesPerCall " + samplesPerCall + ", examplesPerTask " + examplesPerTask
                    + ", batchSize " + batchSize + " and mutualInformationExamples " + mutualInformationExamples + " must be positive");
        }
        if (!(activityThreshold >= 0) || !(collapseKlThreshold >= 0) || !(deadCodeThreshold >= 0 && deadCodeThreshold < 1)) {
            throw new IllegalArgumentException("EvaluationOptions: thresholds " + activityThreshold + " and " + collapseKlThreshold
                    + " must be >= 0 and deadCodeThreshold " + deadCodeThreshold + " in [0, 1)");
        }
    }

    /**
     * The IWAE protocol: L_5000, default call and task sizes, batches of 256, MI over up to 10,000 examples, thresholds 0.01.
     *
     * @param seed the seed of the samples drawn
     * @return the options
     */
    public static EvaluationOptions defaults(long seed) {
        return new EvaluationOptions(LogLikelihoodEstimator.DEFAULT_SAMPLES, LogLikelihoodEstimator.DEFAULT_SAMPLES_PER_CALL,
                LogLikelihoodEstimator.DEFAULT_EXAMPLES_PER_TASK, seed, 256, 10_000, 0.01, 0.01, 0);
    }

    /**
     * {@return these options with another number of importance samples}
     *
     * @param k the samples per example, 0 for none
     */
    public EvaluationOptions withImportanceSamples(int k) {
        return new EvaluationOptions(k, samplesPerCall, examplesPerTask, seed, batchSize, mutualInformationExamples, activityThreshold,
                collapseKlThreshold, deadCodeThreshold);
    }

    /**
     * {@return these options with another batch size}
     *
     * @param b the rows per batch
     */
    public EvaluationOptions withBatchSize(int b) {
        return new EvaluationOptions(importanceSamples, samplesPerCall, examplesPerTask, seed, b, mutualInformationExamples, activityThreshold,
                collapseKlThreshold, deadCodeThreshold);
    }

    /**
     * {@return these options with another number of examples for the mutual information}
     *
     * @param m the examples
     */
    public EvaluationOptions withMutualInformationExamples(int m) {
        return new EvaluationOptions(importanceSamples, samplesPerCall, examplesPerTask, seed, batchSize, m, activityThreshold,
                collapseKlThreshold, deadCodeThreshold);
    }

    /**
     * {@return these options with other thresholds}
     *
     * @param activity the activity threshold
     * @param collapseKl the KL threshold of a collapsed dimension
     */
    public EvaluationOptions withThresholds(double activity, double collapseKl) {
        return new EvaluationOptions(importanceSamples, samplesPerCall, examplesPerTask, seed, batchSize, mutualInformationExamples, activity,
                collapseKl, deadCodeThreshold);
    }

    /**
     * {@return these options with another dead-code threshold}
     *
     * @param fraction the fraction, in [0, 1)
     */
    public EvaluationOptions withDeadCodeThreshold(double fraction) {
        return new EvaluationOptions(importanceSamples, samplesPerCall, examplesPerTask, seed, batchSize, mutualInformationExamples,
                activityThreshold, collapseKlThreshold, fraction);
    }
}
