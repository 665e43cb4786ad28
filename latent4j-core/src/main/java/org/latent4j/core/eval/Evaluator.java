package org.latent4j.core.eval;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.model.GaussianHierarchy;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;
import org.latent4j.core.model.RelevanceDetermination;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.random.Rng;

/**
 * Runs the whole evaluation of a model on a data set: one pass over it in batches that encodes each row, decodes its
 * code ({@link Reconstruction}) and feeds the code to the diagnostics of its kind ({@link CodeDiagnostics}:
 * {@link GaussianDiagnostics}, {@link CodeActivity}, {@link CodebookDiagnostics}, {@link SparseCodeDiagnostics}),
 * then, for a model with a {@link LikelihoodBound}, the importance-sampled log-likelihood.
 */
public final class Evaluator {
    private Evaluator() {}

    /** Stream under the seed of the draws of the layers below a hierarchy's diagnosed one, forked by the batch's first row. */
    private static final long LOWER_LAYERS_STREAM = 0x4C4F574552L;

    /**
     * Evaluates {@code model} on the rows of x [n, features] (condition [n, c] or null), without gradients. The
     * listener follows the likelihood estimate, which is nearly all of the time for large k.
     *
     * @param model the trained model
     * @param x the rows, [n, features]
     * @param condition the condition, [n, c], or null
     * @param options the estimators' settings
     * @param listener told of progress
     * @return the report
     */
    public static EvaluationReport evaluate(LatentModel model, Tensor x, Tensor condition, EvaluationOptions options, ProgressListener listener) {
        LogLikelihoodEstimator.checkInputs("Evaluator", model, x, condition);
        int n = x.dim(0);
        double[] nll = new double[n], squaredError = new double[n];
        CodeStatistics codes = null;
        Rng lowerLayers = new Rng(options.seed()).fork(LOWER_LAYERS_STREAM);
        Workspace workspace = new Workspace();
        try (var noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += options.batchSize()) {
                int hi = Math.min(n, lo + options.batchSize());
                try (var scope = workspace.open()) {
                    Tensor xb = x.slice(0, lo, hi);
                    Tensor cb = condition == null ? null : condition.slice(0, lo, hi);
                    LatentCode code = model.encode(xb, cb);
                    if (codes == null) codes = CodeStatistics.forCode(model, code, n);
                    codes.add(code, lo, lowerLayers.fork(lo));
                    Tensor params = model.decode(code.vector(), cb);
                    float[] logP = model.likelihood().logProb(params, xb).contiguous().toArray();
                    float[] se = model.likelihood().mean(params).sub(xb).square().sum(-1, false).toArray();
                    for (int r = 0; r < hi - lo; r++) {
                        nll[lo + r] = -logP[r];
                        squaredError[lo + r] = se[r];
                    }
                }
            }
        }
        Reconstruction reconstruction = new Reconstruction(Estimate.of(nll), Estimate.of(squaredError), fvu(squaredError, x));
        CodeDiagnostics latent = codes.finish(options);
        RelevanceDiagnostics relevance = model instanceof RelevanceDetermination r && codes instanceof GaussianStatistics g ? g.relevance(r) : null;
        LogLikelihoodSummary logLikelihood = null;
        if (model instanceof LikelihoodBound && options.importanceSamples() > 0) {
            logLikelihood = LogLikelihoodSummary.of(new LogLikelihoodEstimator(options.importanceSamples(), options.samplesPerCall(),
                    options.examplesPerTask(), options.seed()).estimate(model, x, condition, listener));
        }
        return new EvaluationReport(model.kind(), n, model.latentDim(), reconstruction, logLikelihood, latent, relevance);
    }

    /** Sum of the squared errors over the total squared deviation of x from its column means, in double. */
    private static double fvu(double[] squaredError, Tensor x) {
        int n = x.dim(0), d = x.dim(1);
        float[] v = x.contiguous().toArray();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += v[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double total = 0, error = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double dev = v[i * d + j] - mean[j];
                total += dev * dev;
            }
            error += squaredError[i];
        }
        return total > 0 ? error / total : Double.NaN;
    }

    /** What the diagnostics of one kind of code collect, batch by batch. */
    private abstract static sealed class CodeStatistics {
        abstract void add(LatentCode code, int firstRow, Rng rng);

        abstract CodeDiagnostics finish(EvaluationOptions options);

        static CodeStatistics forCode(LatentModel model, LatentCode first, int n) {
            return switch (first) {
                case LatentCode.Gaussian g -> new GaussianStatistics(model, n);
                case LatentCode.Deterministic d -> new ActivityStatistics(d.vector().dim(1), n);
                case LatentCode.Discrete d -> new CodebookStatistics(d);
                case LatentCode.Sparse s -> new SparseStatistics(s.latents(), n);
            };
        }

        /** The code of a batch must be of the kind of the first. */
        static <C extends LatentCode> C expect(Class<C> type, LatentCode code) {
            if (!type.isInstance(code)) {
                throw new IllegalStateException("Evaluator: the encoder gave a " + code.getClass().getSimpleName() + " after a " + type.getSimpleName());
            }
            return type.cast(code);
        }
    }

    private static final class GaussianStatistics extends CodeStatistics {
        private final LatentModel model;
        private final LatentLayer layer;
        private final double[] mean, logVar;

        GaussianStatistics(LatentModel model, int n) {
            this.model = model;
            this.layer = model instanceof GaussianHierarchy h ? h.diagnosedLayer() : LatentLayer.single(model.latentDim());
            this.mean = new double[n * layer.dimensions()];
            this.logVar = new double[n * layer.dimensions()];
        }

        @Override
        void add(LatentCode code, int firstRow, Rng rng) {
            DiagonalGaussian encoded = expect(LatentCode.Gaussian.class, code).posterior();
            DiagonalGaussian q = model instanceof GaussianHierarchy h ? h.diagnosedPosterior(encoded, rng) : encoded;
            int rows = code.batch();
            copy(q.mean(), mean, firstRow, rows, "mean");
            copy(q.logVar(), logVar, firstRow, rows, "logVar");
        }

        private void copy(Tensor t, double[] out, int firstRow, int rows, String what) {
            int l = layer.dimensions();
            if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != l) {
                throw new ShapeException("Evaluator: " + model.kind() + " gave a posterior " + what + " of shape " + Shape.str(t.shape())
                        + ", expected [" + rows + ", " + l + "] (layer " + layer.name() + ")");
            }
            float[] v = t.contiguous().toArray();
            for (int i = 0; i < v.length; i++) out[firstRow * l + i] = v[i];
        }

        @Override
        CodeDiagnostics finish(EvaluationOptions options) {
            return GaussianDiagnostics.of(layer, mean, logVar, mean.length / layer.dimensions(), options);
        }

        RelevanceDiagnostics relevance(RelevanceDetermination prior) {
            double[] alpha = prior.priorVariances();
            if (alpha.length != layer.dimensions()) {
                throw new IllegalStateException("Evaluator: " + model.kind() + " has " + alpha.length + " prior variances for " + layer.dimensions() + " latents");
            }
            return RelevanceDiagnostics.of(mean, logVar, mean.length / layer.dimensions(), alpha, prior.relevanceThreshold());
        }
    }

    private static final class ActivityStatistics extends CodeStatistics {
        private final int dims;
        private final double[] values;

        ActivityStatistics(int dims, int n) {
            this.dims = dims;
            this.values = new double[n * dims];
        }

        @Override
        void add(LatentCode code, int firstRow, Rng rng) {
            float[] v = expect(LatentCode.Deterministic.class, code).vector().contiguous().toArray();
            for (int i = 0; i < v.length; i++) values[firstRow * dims + i] = v[i];
        }

        @Override
        CodeDiagnostics finish(EvaluationOptions options) {
            return new CodeActivity(ActiveUnits.of(ActiveUnits.populationVariances(values, values.length / dims, dims), options.activityThreshold()));
        }
    }

    private static final class CodebookStatistics extends CodeStatistics {
        private final int positions;
        private final long[][] counts;

        CodebookStatistics(LatentCode.Discrete first) {
            this.positions = first.positions();
            int[] sizes = first.codebookSizes();
            this.counts = new long[sizes.length][];
            for (int s = 0; s < sizes.length; s++) counts[s] = new long[sizes[s]];
        }

        @Override
        void add(LatentCode code, int firstRow, Rng rng) {
            LatentCode.Discrete d = expect(LatentCode.Discrete.class, code);
            int[] idx = d.indices();
            int stages = counts.length;
            for (int i = 0; i < idx.length; i++) counts[i % stages][idx[i]]++;
        }

        @Override
        CodeDiagnostics finish(EvaluationOptions options) {
            return CodebookDiagnostics.of(positions, counts, options.deadCodeThreshold());
        }
    }

    private static final class SparseStatistics extends CodeStatistics {
        private final long[] fired;
        private final int n;
        private long nonZero;

        SparseStatistics(int latents, int n) {
            this.fired = new long[latents];
            this.n = n;
        }

        @Override
        void add(LatentCode code, int firstRow, Rng rng) {
            LatentCode.Sparse s = expect(LatentCode.Sparse.class, code);
            int[] idx = s.indices();
            float[] v = s.values().contiguous().toArray();
            int k = s.k();
            for (int r = 0; r < s.batch(); r++) {
                // a latent listed twice in a row fires once
                java.util.BitSet seen = new java.util.BitSet();
                for (int j = 0; j < k; j++) {
                    if (v[r * k + j] == 0f || seen.get(idx[r * k + j])) continue;
                    seen.set(idx[r * k + j]);
                    fired[idx[r * k + j]]++;
                    nonZero++;
                }
            }
        }

        @Override
        CodeDiagnostics finish(EvaluationOptions options) {
            return SparseCodeDiagnostics.of(fired, nonZero, n, options.deadCodeThreshold());
        }
    }
}
