package org.latent4j.core.eval;

import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.Tensor;

/** Runs the whole evaluation of a model on a data set: the likelihood estimate and every diagnostic. */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @param importanceSamples k for L_k (5000 in the IWAE paper's protocol); 0 skips the likelihood estimate
     * @param samplesPerCall    see {@link LogLikelihoodEstimator}
     * @param examplesPerTask   see {@link LogLikelihoodEstimator}
     * @param seed              seed of the importance samples
     * @param diagnostics       options of the diagnostics (with their own seed for the mutual information)
     */
    public record Options(int importanceSamples, int samplesPerCall, int examplesPerTask, long seed,
                          LatentDiagnostics.Options diagnostics) {
        public Options {
            if (importanceSamples < 0) throw new IllegalArgumentException("Evaluator: importanceSamples must be >= 0, got " + importanceSamples);
            if (diagnostics == null) throw new IllegalArgumentException("Evaluator: diagnostics options are required");
        }

        /** The IWAE protocol: L_5000, default call and task sizes, default diagnostics. */
        public static Options defaults(long seed) {
            return new Options(LogLikelihoodEstimator.DEFAULT_SAMPLES, LogLikelihoodEstimator.DEFAULT_SAMPLES_PER_CALL,
                    LogLikelihoodEstimator.DEFAULT_EXAMPLES_PER_TASK, seed, LatentDiagnostics.Options.defaults(seed));
        }

        public Options withImportanceSamples(int k) {
            return new Options(k, samplesPerCall, examplesPerTask, seed, diagnostics);
        }
    }

    /**
     * Evaluates {@code model} on the rows of x [n, features] (condition [n, c] or null). The listener
     * follows the likelihood estimate, which is nearly all of the time for large k.
     */
    public static EvaluationReport evaluate(LatentModel model, Tensor x, Tensor condition, Options options, ProgressListener listener) {
        LatentDiagnostics diagnostics = LatentDiagnostics.compute(model, x, condition, options.diagnostics());
        LogLikelihoodResult logLikelihood = null;
        if (model.isStochastic() && options.importanceSamples() > 0) {
            logLikelihood = new LogLikelihoodEstimator(options.importanceSamples(), options.samplesPerCall(), options.examplesPerTask(),
                    options.seed()).estimate(model, x, condition, listener);
        }
        return new EvaluationReport(model.kind(), x.dim(0), model.latentDim(), logLikelihood, diagnostics);
    }
}
